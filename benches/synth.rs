//! Synthetic world generation speed: `cargo bench --bench synth`.
//!
//! Generates a benchmark-size world (default 1M tickets, 100k customers),
//! streams tickets.csv into a byte counter (or, with `SYNTH_OUT=dir`, writes
//! all four files there) and prints the timings.

use std::io::Write;
use std::time::Instant;

use ticketlens_synth::{generate, SynthConfig};

struct Count(u64);

impl Write for Count {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let cfg = SynthConfig {
        tickets: env("SYNTH_TICKETS", 1_000_000),
        customers: env("SYNTH_CUSTOMERS", 100_000),
        ..Default::default()
    };
    let t = Instant::now();
    let world = generate(&cfg);
    let generated = t.elapsed();
    let t = Instant::now();
    let mut count = Count(0);
    world
        .write_tickets_csv(&mut count)
        .expect("write to a counter cannot fail");
    let csv = t.elapsed();
    let t = Instant::now();
    let truth = world.ground_truth();
    let gt = t.elapsed();
    println!(
        "synth: {} tickets, {} customers: generate {:.2}s, tickets.csv {:.2}s ({:.0} MB), ground truth {:.2}s; oracle AUC {:.3}",
        cfg.tickets,
        cfg.customers,
        generated.as_secs_f64(),
        csv.as_secs_f64(),
        count.0 as f64 / 1e6,
        gt.as_secs_f64(),
        truth.churn.oracle_auc.unwrap_or(f64::NAN)
    );
    if let Ok(dir) = std::env::var("SYNTH_OUT") {
        let t = Instant::now();
        world
            .write(std::path::Path::new(&dir))
            .expect("write SYNTH_OUT");
        println!("synth: wrote {dir} in {:.2}s", t.elapsed().as_secs_f64());
    }
}

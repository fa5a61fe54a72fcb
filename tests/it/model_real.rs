//! The bundled default model through the real ONNX Runtime: known sentences
//! must come out with the expected sentiment and topic.

use ticketlens::model::{Classifier, ClassifierOptions, ModelSource};

fn classify(texts: &[&str]) -> Vec<(String, String, f32)> {
    let c = Classifier::load(
        &ModelSource::from_option(None),
        ClassifierOptions::default(),
    )
    .expect("default model");
    assert_eq!(c.config().name, "ticket-minilm");
    assert_eq!(c.config().embedding.dim, 384);
    let texts: Vec<String> = texts.iter().map(|s| s.to_string()).collect();
    let out = c.classify(&texts).unwrap();
    out.predictions
        .iter()
        .map(|p| {
            (
                p.sentiment.to_string(),
                p.topic.clone(),
                p.sentiment_confidence,
            )
        })
        .collect()
}

#[test]
fn known_sentences() {
    // (text, sentiment or "*", topic or "*"), labelled by the support
    // convention of the model card: a complaint or reported problem is
    // negative, a plain question or request is neutral, thanks are positive.
    // A calm, polite problem report ("not received my money back", which
    // v2.1 called neutral) must read as negative since step 9's head reads
    // pooled layers (v2.2: 0.89). "*" sentiment: "the reset link is broken"
    // sat on the negative/neutral boundary for v2.1 and v2.2 alike (0.49 /
    // 0.50 alone, either way round depending on its batch-mates and the CPU's
    // int8 kernels), so asserting either label would test the hardware.
    let cases = [
        ("Thank you so much, the refund arrived quickly and the agent was lovely!", "positive", "REFUND"),
        ("My package was supposed to arrive a week ago and it is still not here, terrible service", "negative", "DELIVERY"),
        ("Please unsubscribe me from your newsletter", "neutral", "NEWSLETTER"),
        ("I can't log in to my account, the password reset link is broken", "*", "ACCOUNT"),
        ("How can I change the shipping address on my order?", "neutral", "SHIPPING_ADDRESS"),
        ("Where can I download the invoice for my last purchase?", "neutral", "INVOICE"),
        ("What is the fee if I cancel my contract early?", "neutral", "CANCELLATION_FEE"),
        ("I still have not received my money back for the returned item", "negative", "REFUND"),
        ("The app crashes every time I open it and nobody answers my emails", "negative", "*"),
        ("Thanks, that fixed it!", "positive", "*"),
    ];
    let got = classify(&cases.iter().map(|c| c.0).collect::<Vec<_>>());
    for (i, (text, _, _)) in cases.iter().enumerate() {
        eprintln!("{:>9} {:<17} {:.2}  {text}", got[i].0, got[i].1, got[i].2);
    }
    let mut wrong = Vec::new();
    for (i, (text, s, t)) in cases.iter().enumerate() {
        if (*s != "*" && got[i].0 != *s) || (*t != "*" && got[i].1 != *t) {
            wrong.push(format!(
                "{text:?}: got {}/{}, want {s}/{t}",
                got[i].0, got[i].1
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The same model through the binary with no `--model` flag (the bundled
/// default), end to end: CSV in, enriched CSV out.
#[test]
fn known_sentences_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("t.csv");
    std::fs::write(
        &input,
        "id,body\n\
         1,\"Thank you so much, the refund arrived quickly and the agent was lovely!\"\n\
         2,\"My package was supposed to arrive a week ago and it is still not here, terrible service\"\n\
         3,Please unsubscribe me from your newsletter\n\
         4,I still have not received my money back for the returned item\n",
    )
    .unwrap();
    let out = dir.path().join("o.csv");
    let res = assert_cmd::Command::cargo_bin("ticketlens")
        .unwrap()
        .args(["classify", input.to_str().unwrap(), "-q", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let mut r = csv::Reader::from_path(&out).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let (s, t) = (col("sentiment"), col("topic"));
    let got: Vec<(String, String)> = r
        .records()
        .map(|x| {
            let x = x.unwrap();
            (x[s].to_string(), x[t].to_string())
        })
        .collect();
    let want = [
        ("positive", "REFUND"),
        ("negative", "DELIVERY"),
        ("neutral", "NEWSLETTER"),
        ("negative", "REFUND"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(got, want);
    let emb =
        ticketlens::embeddings::Embeddings::read_npy(&dir.path().join("o.csv.embeddings.npy"))
            .unwrap();
    assert_eq!((emb.rows(), emb.dim), (4, 384));
}

//! The real ONNX Runtime path, on the tiny test model (fast).

use std::path::PathBuf;
use ticketlens::model::{Classifier, ClassifierOptions, ModelSource};
use ticketlens::Sentiment;

fn tiny() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/models/tiny")
}

#[test]
fn tiny_model_classifies_in_input_order_with_dedup() {
    let c = Classifier::load(&ModelSource::Dir(tiny()), ClassifierOptions::default()).unwrap();
    let texts: Vec<String> = vec![
        "where is my refund".into(),
        "I love this, thanks!".into(),
        "where is my refund".into(),
        "a much longer text about an invoice that was charged twice and nobody answers my emails"
            .into(),
    ];
    let out = c.classify(&texts).unwrap();
    assert_eq!(out.predictions.len(), 4);
    assert_eq!(out.unique_texts, 3);
    assert_eq!(out.predictions[0], out.predictions[2]);
    assert_eq!(out.embeddings.rows(), 4);
    assert_eq!(out.embeddings.dim, c.config().embedding.dim);
    assert_eq!(out.embeddings.row(0), out.embeddings.row(2));
    for (i, p) in out.predictions.iter().enumerate() {
        let s = p.p_negative + p.p_neutral + p.p_positive;
        assert!((s - 1.0).abs() < 1e-4, "row {i}: probabilities sum to {s}");
        assert!(c.config().topic().labels.contains(&p.topic));
        let norm: f32 = out
            .embeddings
            .row(i)
            .iter()
            .map(|v| v * v)
            .sum::<f32>()
            .sqrt();
        assert!((norm - 1.0).abs() < 1e-3, "row {i}: embedding norm {norm}");
    }
    // Padding does not change a text's answer beyond int8 activation noise
    // (dynamic quantisation scales activations per batch).
    let alone = c.classify(&texts[3..4]).unwrap();
    let d = (alone.predictions[0].p_negative - out.predictions[3].p_negative).abs();
    assert!(
        d < 0.05,
        "p_negative moved by {d} between batch and single run"
    );
    let _ = Sentiment::Negative;
}

#[test]
fn output_does_not_depend_on_input_order() {
    let c = Classifier::load(&ModelSource::Dir(tiny()), ClassifierOptions::default()).unwrap();
    let texts: Vec<String> = (0..40)
        .map(|i| {
            format!(
                "ticket number {i} about {}",
                ["refunds", "a late parcel", "my invoice"][i % 3]
            )
        })
        .collect();
    let a = c.classify(&texts).unwrap();
    let mut rev = texts.clone();
    rev.reverse();
    let b = c.classify(&rev).unwrap();
    for i in 0..texts.len() {
        assert_eq!(a.predictions[i], b.predictions[texts.len() - 1 - i]);
        assert_eq!(a.embeddings.row(i), b.embeddings.row(texts.len() - 1 - i));
    }
}

#[test]
fn broken_model_dirs_give_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let e = Classifier::load(
        &ModelSource::Dir(dir.path().join("nope")),
        ClassifierOptions::default(),
    )
    .err()
    .unwrap()
    .to_string();
    assert!(e.contains("not a directory"), "{e}");

    for f in ["model.onnx", "tokenizer.json", "ticketlens.json"] {
        std::fs::copy(tiny().join(f), dir.path().join(f)).unwrap();
    }
    std::fs::write(dir.path().join("model.onnx"), b"garbage").unwrap();
    let e = Classifier::load(
        &ModelSource::Dir(dir.path().into()),
        ClassifierOptions::default(),
    )
    .err()
    .unwrap()
    .to_string();
    assert!(e.contains("sha256") && !e.contains('\n'), "{e}");

    std::fs::remove_file(dir.path().join("tokenizer.json")).unwrap();
    let e = Classifier::load(
        &ModelSource::Dir(dir.path().into()),
        ClassifierOptions::default(),
    )
    .err()
    .unwrap()
    .to_string();
    assert!(
        e.contains("model.onnx") || e.contains("tokenizer.json"),
        "{e}"
    );
}

#[test]
fn cross_chunk_cache_returns_the_first_inference_bit_for_bit() {
    use ticketlens::model::PredictionCache;
    let c = Classifier::load(&ModelSource::Dir(tiny()), ClassifierOptions::default()).unwrap();
    let a: Vec<String> = (0..30)
        .map(|i| format!("parcel {i} never arrived"))
        .collect();
    let mut b: Vec<String> = (0..10).map(|i| format!("invoice {i} is wrong")).collect();
    b.extend(a[5..15].iter().cloned());
    let mut cache = PredictionCache::new(100);
    let out_a = c.run_cached(c.prepare(&a).unwrap(), &mut cache).unwrap();
    assert_eq!((out_a.unique_texts, cache.len()), (30, 30));
    let out_b = c.run_cached(c.prepare(&b).unwrap(), &mut cache).unwrap();
    assert_eq!(out_b.unique_texts, 10, "only the new texts are inferred");
    for i in 0..10 {
        assert_eq!(out_b.predictions[10 + i], out_a.predictions[5 + i]);
        assert_eq!(out_b.embeddings.row(10 + i), out_a.embeddings.row(5 + i));
    }
    // The new texts come out as if inferred on their own (same batches).
    let alone = c.classify(&b[..10]).unwrap();
    assert_eq!(alone.predictions, out_b.predictions[..10]);
    assert_eq!(
        alone.embeddings.data,
        out_b.embeddings.data[..10 * c.config().embedding.dim]
    );
    // A full cache stays bounded.
    let mut small = PredictionCache::new(8);
    c.run_cached(c.prepare(&a).unwrap(), &mut small).unwrap();
    assert_eq!(small.len(), 8);
}

/// The persistent inference cache: a second classifier (a second run)
/// infers nothing it has seen, returns the same bits, and a corrupted entry
/// is detected, inferred again and repaired.
#[test]
fn persistent_cache_serves_later_runs_and_repairs_corrupt_entries() {
    let dir = tempfile::tempdir().unwrap();
    let opts = || ClassifierOptions {
        cache_dir: Some(dir.path().to_path_buf()),
        ..Default::default()
    };
    let texts: Vec<String> = (0..40)
        .map(|i| format!("my parcel {i} never arrived"))
        .collect();
    let fresh = Classifier::load(&ModelSource::Dir(tiny()), ClassifierOptions::default())
        .unwrap()
        .classify(&texts)
        .unwrap();
    let first = Classifier::load(&ModelSource::Dir(tiny()), opts()).unwrap();
    let a = first.classify(&texts).unwrap();
    assert_eq!((a.unique_texts, a.from_cache), (40, 0));
    assert_eq!(first.store().unwrap().stats().written, 40);

    let second = Classifier::load(&ModelSource::Dir(tiny()), opts()).unwrap();
    let store = second.store().unwrap().clone();
    // Corrupt one entry: its bytes no longer match their checksum.
    let key = ticketlens::model::text_key(&texts[7]);
    assert!(store.put_raw(key, b"\x01garbage that is not an output"));
    let mut more = texts.clone();
    more.extend((0..5).map(|i| format!("a new question {i}")));
    let b = second.classify(&more).unwrap();
    assert_eq!(b.from_cache, 39, "all seen texts but the corrupt one");
    assert_eq!(store.stats().corrupt, 1);
    // Served texts are bit-identical to a run without any cache; the
    // recomputed one was inferred with the new texts, so it is bit-identical
    // to those texts classified on their own (dynamic int8 quantisation
    // scales activations per batch, so another batch would drift by a few
    // hundredths on the tiny model, more on some CPUs than others).
    let dim = fresh.embeddings.dim;
    for i in (0..40).filter(|&i| i != 7) {
        assert_eq!(b.predictions[i], fresh.predictions[i], "text {i}");
        assert_eq!(b.embeddings.row(i), fresh.embeddings.row(i), "text {i}");
    }
    let inferred: Vec<String> = std::iter::once(texts[7].clone())
        .chain(more[40..].iter().cloned())
        .collect();
    let alone = Classifier::load(&ModelSource::Dir(tiny()), ClassifierOptions::default())
        .unwrap()
        .classify(&inferred)
        .unwrap();
    assert_eq!(b.predictions[7], alone.predictions[0]);
    assert_eq!(b.embeddings.row(7), alone.embeddings.row(0));
    assert_eq!(b.embeddings.data.len(), 45 * dim);

    // The corrupt entry was written again: a third run infers nothing.
    let third = Classifier::load(&ModelSource::Dir(tiny()), opts()).unwrap();
    let c = third.classify(&more).unwrap();
    assert_eq!(c.from_cache, 45);
    assert_eq!(c.predictions, b.predictions);
}

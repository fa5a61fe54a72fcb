#!/usr/bin/env python3
"""Re-measure an exported model directory and the model it replaced.

Runs the int8 `model.onnx` of the directory and of the previous default model
(read from git history: `previous_model.git_commit` in ticketlens.json) over
the same validation sets train.py reports, plus a handful of hand-written
support messages labelled by the support convention, writes
`previous_model_val_metrics`, `hand_sentences`, `airline_val_confusion` and
`previous_model_airline_val_confusion`
into ticketlens.json and re-renders MODEL_CARD.md. With --nmi it also recomputes the BANKING77 check.

    python models/train/evaluate.py [models/ticket-minilm] [--nmi]
"""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import train  # noqa: E402
import model_card  # noqa: E402

# Written by hand for the card, labelled by the support convention; never trained on.
HAND = [
    ("How do I change my shipping address?", "neutral"),
    ("Can you send me a copy of my invoice for March?", "neutral"),
    ("What are your opening hours on Saturday?", "neutral"),
    ("I'd like to upgrade my plan to premium.", "neutral"),
    ("Please update the email on my account to jane@example.com", "neutral"),
    ("Is there a fee if I cancel my subscription?", "neutral"),
    ("My order arrived damaged and nobody has answered my emails.", "negative"),
    ("Flight delayed again, no update from anyone.", "negative"),
    ("I was charged twice for the same order.", "negative"),
    ("The app crashes every time I open it.", "negative"),
    ("I'd appreciate an update on my refund, it has been three weeks.", "negative"),
    ("Still waiting for the technician who was supposed to come yesterday.", "negative"),
    ("Thanks so much, that fixed it!", "positive"),
    ("Great service, the agent was really helpful.", "positive"),
    ("Problem solved, thank you for the quick reply.", "positive"),
    ("Love the new update, works perfectly.", "positive"),
    # Twenty more, written on 2026-12-07 before v2.1 and v2.2 were compared on them.
    ("Change address | Please ship to my new flat instead.", "neutral"),
    ("How much does it cost to cancel my plan early?", "neutral"),
    ("Can I add a second user to my account?", "neutral"),
    ("Where can I download last month's receipt?", "neutral"),
    ("Do you ship to Canada?", "neutral"),
    ("I want to change my delivery date to Friday.", "neutral"),
    ("Could you reset my password please?", "neutral"),
    ("What payment methods do you accept?", "neutral"),
    ("Charged twice for the same order", "negative"),
    ("My package says delivered but it's not here.", "negative"),
    ("The checkout page keeps giving me an error.", "negative"),
    ("I've called three times and still no refund.", "negative"),
    ("Your app logged me out and now I can't sign in.", "negative"),
    ("The replacement part is the wrong size.", "negative"),
    ("Internet has been down since this morning.", "negative"),
    ("Nobody told me my flight was cancelled.", "negative"),
    ("The new dashboard is fantastic, thank you!", "positive"),
    ("Sorted now, cheers for the help.", "positive"),
    ("Really impressed with how fast the refund came through.", "positive"),
    ("Your agent Maria was brilliant.", "positive"),
]


def previous_dir(cfg) -> Path:
    commit = cfg["previous_model"]["git_commit"]
    out = train.ROOT / "target/bench-models" / commit
    out.mkdir(parents=True, exist_ok=True)
    for f in ("model.onnx", "tokenizer.json", "ticketlens.json"):
        if not (out / f).exists():
            blob = subprocess.run(["git", "-C", str(train.ROOT), "show", f"{commit}:models/ticket-minilm/{f}"],
                                  check=True, capture_output=True).stdout
            (out / f).write_bytes(blob)
    return out


def onnx_file(model: Path) -> Path:
    """`model`: a model directory or an .onnx file."""
    return model if model.is_file() else model / "model.onnx"


def hand_sentences(model: Path, tok):
    """`model`: a model directory or an .onnx file."""
    texts = [train.clean(t) for t, _ in HAND]
    S = train.ort_run(onnx_file(model), tok, texts, train.MAX_SEQ_INFER)[0]
    P = train.softmax(S)
    return [{"text": t, "expected": e, "predicted": train.SENTIMENT_LABELS[int(P[i].argmax())],
             "p_negative": float(P[i][0])} for i, (t, e) in enumerate(HAND)]


def airline_confusion(model: Path, tok, d) -> dict:
    """Counts [true][predicted] of the int8 graph on airline val (the card
    reweights them to a complaint-heavier mix of carriers). `model`: a model
    directory or an .onnx file."""
    x, y = d["air_val"]
    p = train.ort_run(onnx_file(model), tok, x, train.MAX_SEQ_INFER)[0].argmax(1)
    counts = np.zeros((3, 3), dtype=int)
    np.add.at(counts, (y, p), 1)
    return {"labels": train.SENTIMENT_LABELS, "counts": counts.tolist()}


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    d = Path(args[0]) if args else train.ROOT / "models/ticket-minilm"
    base = train.base_model_dir()
    tok = train.load_tokenizer(base)
    cfg = json.loads((d / "ticketlens.json").read_text())
    data = train.load_data_v2(cfg["training"]["seed"])
    probe, probe_emb = train.embedding_probe(cfg["training"]["seed"], base, tok)
    prev_dir = previous_dir(cfg)
    prev, _ = train.ort_metrics(prev_dir / "model.onnx", tok, data, probe, probe_emb)
    cfg["previous_model_val_metrics"] = prev
    cfg["hand_sentences"] = hand_sentences(d, tok)
    cfg["airline_val_confusion"] = airline_confusion(d, tok, data)
    # The previous model's too: issue 11 measured it on the held-out carriers, so
    # the card can check its reweighted estimate against a known outcome.
    cfg["previous_model_airline_val_confusion"] = airline_confusion(prev_dir, tok, data)
    if "--nmi" in sys.argv:
        b_texts, b_labels = train.banking77()
        e = train.ort_run(d / "model.onnx", tok, b_texts, train.MAX_SEQ_INFER)[2]
        cfg["banking77_kmeans77"]["exported_int8"] = train.banking77_nmi(e, b_labels, 42)
    (d / "ticketlens.json").write_text(json.dumps(cfg, indent=2) + "\n")
    (d / "MODEL_CARD.md").write_text(model_card.render(d))
    print(json.dumps({"previous": prev, "hand": cfg["hand_sentences"]}, indent=1))


if __name__ == "__main__":
    main()

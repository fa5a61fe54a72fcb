#!/usr/bin/env python3
"""Re-measure the embedding check of an exported model directory.

Recomputes BANKING77 KMeans(k=77) NMI/ARI (averaged over 3 seeds) for the int8
`embedding` output and for the unmodified base model, writes the result into
ticketlens.json (`banking77_kmeans77`) and re-renders MODEL_CARD.md.

    python models/train/evaluate.py [models/ticket-minilm]
"""
import csv
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import train  # noqa: E402
import model_card  # noqa: E402


def main():
    d = Path(sys.argv[1]) if len(sys.argv) > 1 else train.ROOT / "models/ticket-minilm"
    base = train.base_model_dir()
    tok = train.load_tokenizer(base)
    texts, labels = [], []
    with (train.SHARED / "banking77/train.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            texts.append(train.clean(row["text"]))
            labels.append(row["category"])
    e_int8 = train.ort_run(d / "model.onnx", tok, texts, train.MAX_SEQ_INFER)[2]
    e_base = train.base_embeddings(base, tok, texts)
    nmi = {"exported_int8": train.banking77_nmi(e_int8, labels, 42),
           "base_all_minilm_l6_v2": train.banking77_nmi(e_base, labels, 42)}
    cfg = json.loads((d / "ticketlens.json").read_text())
    cfg["banking77_kmeans77"] = nmi
    (d / "ticketlens.json").write_text(json.dumps(cfg, indent=2) + "\n")
    (d / "MODEL_CARD.md").write_text(model_card.render(d))
    print(json.dumps(nmi, indent=2))


if __name__ == "__main__":
    main()

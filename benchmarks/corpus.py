"""A deterministic synthetic corpus: N articles recombining the seed sentences.

Each article takes a run of sentences from one seed article (so episode context and dates stay
coherent), mixes in a few sentences from the others, varies the figures ("at least 17" -> "at
least 23"), the day of the month in dates, the outlet and the published date, and groups the
sentences into paragraphs. Article i depends only on (seed, i): the first 1,000 articles of a
10,000-article corpus are the 1,000-article corpus, and the same call always writes the same bytes.

    python benchmarks/corpus.py 1000 /tmp/corpus1k [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
OUTLETS = (
    "IWPR",
    "Global Voices",
    "RFE/RL",
    "Eurasianet",
    "Vlast.kz",
    "Kursiv",
    "openDemocracy",
    "Human Rights Watch",
    "Amnesty International",
    "The Diplomat",
    "Reuters",
    "Associated Press",
)
_NUMBER_RE = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})*(?![\w,]|\.\d)")
_DAY_MONTH_RE = re.compile(
    r"\b([12]?\d|3[01])(?= (January|February|March|April|May|June|July|August|September|October|November"
    r"|December)\b)"
)


@dataclass(frozen=True)
class SeedArticle:
    name: str
    title: str
    published: object  # datetime.date or None
    sentences: tuple[str, ...]


def load_seeds(seeds_dir: Path = SEEDS) -> list[SeedArticle]:
    """The seed articles, cleaned and split into sentences by the pipeline's own ingest code."""
    from kzunrest import codebook as codebook_module
    from kzunrest import ingest

    codebook = codebook_module.load()
    sources, _, _ = ingest.list_sources(seeds_dir)
    seeds = []
    for source in sources:
        document, _ = ingest.read_document(source, codebook)
        text = document["text"]
        spans = ingest.split_sentences(text)
        sentences = tuple(text[a:b] for a, b in spans if b - a >= 20)  # skip photo credits, bylines
        seeds.append(SeedArticle(source.name, document["title"], document["published"], sentences))
    return seeds


def _vary_number(match: re.Match, rng: random.Random) -> str:
    text = match.group(0)
    value = int(text.replace(",", ""))
    if 1900 <= value <= 2099 and "," not in text:
        return text  # a year: keep it, it places the sentence in its episode
    varied = max(1, round(value * rng.uniform(0.6, 1.6)))
    return f"{varied:,}" if "," in text else str(varied)


def vary(sentence: str, rng: random.Random) -> str:
    """The sentence with its figures and days of the month changed; years kept."""
    sentence = _NUMBER_RE.sub(lambda m: _vary_number(m, rng), sentence)
    return _DAY_MONTH_RE.sub(lambda m: str(rng.randint(1, 28)), sentence)


def article(i: int, seeds: list[SeedArticle], seed: int = 7) -> tuple[str, dict]:
    """The text of article i and its manifest entry (without the file name)."""
    rng = random.Random(f"{seed}:{i}")
    base = seeds[rng.randrange(len(seeds))]
    length = rng.randint(12, 36)
    start = rng.randrange(max(1, len(base.sentences) - length))
    picked = list(base.sentences[start : start + length])
    for _ in range(rng.randint(1, 4)):
        other = seeds[rng.randrange(len(seeds))]
        picked.insert(rng.randrange(len(picked) + 1), other.sentences[rng.randrange(len(other.sentences))])
    paragraphs, k = [], 0
    while k < len(picked):
        size = rng.randint(1, 4)
        paragraphs.append(" ".join(vary(s, rng) for s in picked[k : k + size]))
        k += size
    title = f"{base.title} ({i})"
    text = title + "\n\n" + "\n\n".join(paragraphs) + "\n"
    published = base.published + timedelta(days=rng.randint(0, 40)) if base.published else None
    return text, {"title": title, "outlet": rng.choice(OUTLETS), "url": None, "published": published}


def file_name(i: int) -> str:
    return f"article_{i:06d}.txt"


def generate(n: int, out: Path, seed: int = 7, seeds_dir: Path = SEEDS) -> list[Path]:
    """Write n articles and their manifest into `out`; return the article paths."""
    seeds = load_seeds(seeds_dir)
    out.mkdir(parents=True, exist_ok=True)
    entries, paths = [], []
    for i in range(n):
        text, entry = article(i, seeds, seed)
        path = out / file_name(i)
        path.write_text(text, encoding="utf-8")
        entries.append({"file": path.name, **entry})
        paths.append(path)
    write_manifest(out, entries)
    return paths


def write_manifest(out: Path, entries: list[dict]) -> None:
    text = yaml.safe_dump({"documents": entries}, sort_keys=False, allow_unicode=True)
    (out / "manifest.yaml").write_text(text, encoding="utf-8")


def edit(out: Path, fraction: float, seed: int = 7) -> list[str]:
    """Change the text of a deterministic `fraction` of the articles (at least one); their names."""
    names = sorted(p.name for p in out.glob("article_*.txt"))
    rng = random.Random(f"{seed}:edit:{fraction}")
    chosen = sorted(rng.sample(names, max(1, round(len(names) * fraction))))
    for name in chosen:
        path = out / name
        text = path.read_text(encoding="utf-8")
        path.write_text(text + "\nUpdated: the authorities have not commented on this report.\n", "utf-8")
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("out", type=Path, help="folder to write (created)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    paths = generate(args.n, args.out, args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} articles, {size / 1e6:.1f} MB -> {args.out}")


if __name__ == "__main__":
    main()

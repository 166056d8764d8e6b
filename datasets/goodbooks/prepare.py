"""Derive the shipped goodbooks files from goodbooks-10k (CC BY-SA 4.0, Zygmunt Zajac).

Run from the repo root: `python datasets/goodbooks/prepare.py /path/to/goodbooks-10k-subset`.
Writes, next to this script:
  to_read.csv  user_id,book_id      the derived to-read subset, unchanged
  books.csv    the metadata of the books that appear in to_read.csv (a subset of the columns of
               the publisher's books.csv) plus two derived columns from the users' shelves:
               `genre` (the book's most-used genre shelf) and `shelves` (its top 5 genre shelves,
               "|"-separated). Genre shelves are a fixed list below, with synonyms merged.
"""

from __future__ import annotations

import csv
import shutil
import sys
from collections import defaultdict
from pathlib import Path

GENRES = {
    "fantasy": "fantasy", "science-fiction": "science-fiction", "sci-fi": "science-fiction",
    "scifi": "science-fiction", "romance": "romance", "mystery": "mystery", "thriller": "thriller",
    "horror": "horror", "historical-fiction": "historical-fiction", "non-fiction": "non-fiction",
    "nonfiction": "non-fiction", "classics": "classics", "classic": "classics", "young-adult": "young-adult",
    "ya": "young-adult", "childrens": "children", "children": "children", "children-s": "children",
    "biography": "biography", "memoir": "memoir", "poetry": "poetry", "graphic-novels": "graphic-novels",
    "comics": "comics", "humor": "humor", "philosophy": "philosophy", "self-help": "self-help",
    "business": "business", "history": "history", "science": "science", "psychology": "psychology",
    "religion": "religion", "christian": "christian", "dystopian": "dystopian", "dystopia": "dystopian",
    "paranormal": "paranormal", "contemporary": "contemporary", "chick-lit": "chick-lit", "crime": "crime",
    "adventure": "adventure", "literary-fiction": "literary-fiction", "short-stories": "short-stories",
    "plays": "plays", "manga": "manga", "vampires": "paranormal", "steampunk": "steampunk",
    "travel": "travel", "cookbooks": "cookbooks", "art": "art", "politics": "politics", "economics": "economics",
    "war": "war", "westerns": "westerns", "erotica": "erotica", "new-adult": "new-adult",
    "urban-fantasy": "urban-fantasy", "epic-fantasy": "fantasy", "high-fantasy": "fantasy",
    "picture-books": "children", "middle-grade": "middle-grade", "spirituality": "spirituality",
    "true-crime": "true-crime", "chick-lit-romance": "chick-lit", "suspense": "thriller",
}
KEEP = ["book_id", "authors", "original_publication_year", "title", "language_code", "average_rating",
        "ratings_count", "small_image_url"]


def main(src: Path) -> None:
    here = Path(__file__).parent
    shutil.copyfile(src / "to_read_subset.csv", here / "to_read.csv")
    wanted = {row["book_id"] for row in csv.DictReader(open(here / "to_read.csv", encoding="utf-8"))}
    tag_name = {}
    with open(src / "tags.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            tag_name[row["tag_id"]] = row["tag_name"].strip()
    shelf = defaultdict(lambda: defaultdict(int))  # goodreads id -> genre -> count
    with open(src / "book_tags_subset.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            g = GENRES.get(tag_name.get(row["tag_id"], ""))
            if g:
                shelf[row["goodreads_book_id"]][g] += int(row["count"])
    with open(src / "books.csv", encoding="utf-8") as f, \
            open(here / "books.csv", "w", encoding="utf-8", newline="") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(KEEP + ["genre", "shelves"])
        for row in csv.DictReader(f):
            if row["book_id"] not in wanted:
                continue
            ranked = sorted(shelf[row["goodreads_book_id"]].items(), key=lambda kv: (-kv[1], kv[0]))
            top = [g for g, _ in ranked[:5]]
            w.writerow([row[k] for k in KEEP] + [top[0] if top else "", "|".join(top)])


if __name__ == "__main__":
    main(Path(sys.argv[1]))

"""Generate the shipped `baskets` atlas data: made-up shopping baskets with a known aisle per product.

Run from the repo root: `python datasets/baskets/generate.py` (writes, next to this script):
  baskets.csv   basket,product     one row per product in a basket
  products.csv  product,name,aisle,price

Nothing here is real: the baskets come from the planted-group model of `sitegen.synth` (each
basket draws 70 % of its products from one aisle, 20 % from a second, 10 % from anywhere, weighted
by a Zipf popularity), so every product's aisle is the known answer that a good map keeps together
(`[evaluate] label = "aisle"`). Names and prices are made up from the aisle. Same seed, same bytes.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from sitegen.synth import generate

SEED = 7
N_PRODUCTS, N_BASKETS, MEDIAN_SIZE, MAX_SIZE = 2400, 6000, 10, 60
# Aisle -> (product words, typical price in euros).
AISLES = {
    "Bakery": (["Sourdough", "Rye loaf", "Bagel", "Croissant", "Baguette", "Muffin", "Bun", "Flatbread"], 2.5),
    "Dairy": (["Milk", "Yoghurt", "Butter", "Cheddar", "Feta", "Cream", "Kefir", "Skyr"], 2.0),
    "Produce": (["Apples", "Bananas", "Carrots", "Spinach", "Tomatoes", "Onions", "Lemons", "Avocados"], 1.8),
    "Frozen": (["Peas", "Pizza", "Ice cream", "Berries", "Fish fingers", "Dumplings", "Chips", "Spinach cubes"], 3.5),
    "Snacks": (["Crisps", "Pretzels", "Popcorn", "Chocolate", "Nuts", "Crackers", "Gummies", "Granola bar"], 2.2),
    "Drinks": (["Orange juice", "Cola", "Sparkling water", "Iced tea", "Coffee beans", "Green tea", "Lemonade", "Oat drink"], 2.4),
    "Household": (["Dish soap", "Sponges", "Bin bags", "Foil", "Paper towels", "Detergent", "Bleach", "Light bulbs"], 3.8),
    "Baby": (["Nappies", "Wipes", "Baby food", "Formula", "Rusks", "Baby shampoo", "Teether", "Bibs"], 6.0),
    "Pets": (["Cat food", "Dog food", "Cat litter", "Dog treats", "Bird seed", "Fish flakes", "Chew toy", "Flea spray"], 5.0),
    "Pharmacy": (["Plasters", "Painkillers", "Vitamins", "Toothpaste", "Sunscreen", "Cough drops", "Shampoo", "Deodorant"], 4.5),
    "Pantry": (["Pasta", "Rice", "Lentils", "Olive oil", "Flour", "Canned tomatoes", "Honey", "Oats"], 2.0),
    "Deli": (["Ham", "Salami", "Hummus", "Olives", "Coleslaw", "Pesto", "Smoked salmon", "Quiche"], 4.0),
}


def main() -> None:
    here = Path(__file__).resolve().parent
    coll, groups = generate(N_PRODUCTS, N_BASKETS, len(AISLES), MEDIAN_SIZE, SEED, max_size=MAX_SIZE)
    rng = np.random.default_rng(SEED + 1)
    aisles = list(AISLES)
    with open(here / "baskets.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["basket", "product"])
        for b in range(coll.n_collections):
            for p in coll.entity[coll.indptr[b] : coll.indptr[b + 1]].tolist():
                w.writerow([f"b{b}", f"p{p}"])
    seen: dict[str, int] = {}
    with open(here / "products.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["product", "name", "aisle", "price"])
        for p, g in enumerate(groups.tolist()):
            words, price = AISLES[aisles[g]]
            word = words[int(rng.integers(len(words)))]
            seen[word] = seen.get(word, 0) + 1
            cost = round(price * float(rng.lognormal(0.0, 0.35)), 2)
            w.writerow([f"p{p}", f"{word} no. {seen[word]}", aisles[g], f"{cost:.2f}"])
    print(f"{here}: {coll.n_collections} baskets, {coll.entity.shape[0]} rows, {N_PRODUCTS} products")


if __name__ == "__main__":
    main()

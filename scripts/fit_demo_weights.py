"""Fit the demo's linear iris classifier, the numbers ``ml_publish/release/demo_project.py``
writes into its safetensors file: multinomial logistic regression on the raw measurements (cm),
full-batch gradient descent from zeros, in plain Python, so anyone can check where they came from.

Run: ``python scripts/fit_demo_weights.py`` (prints WEIGHT, BIAS and the training accuracy).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "ml_publish" / "release" / "demo_data" / "iris.csv"
STEPS = 20_000
LEARNING_RATE = 0.05
L2 = 1e-3  # a little weight decay keeps the separable setosa class from growing without bound


def samples() -> list[tuple[list[float], int]]:
    with DATA.open(newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    return [([float(value) for value in row[:4]], int(row[4])) for row in rows]


def softmax(scores: list[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(score - top) for score in scores]
    total = sum(exps)
    return [value / total for value in exps]


def fit() -> tuple[list[list[float]], list[float]]:
    data = samples()
    weight = [[0.0] * 4 for _ in range(3)]
    bias = [0.0] * 3
    for _ in range(STEPS):
        grad_w = [[L2 * w for w in row] for row in weight]
        grad_b = [0.0] * 3
        for features, label in data:
            scores = [sum(w * x for w, x in zip(row, features)) + b for row, b in zip(weight, bias)]
            for k, p in enumerate(softmax(scores)):
                error = (p - (k == label)) / len(data)
                grad_b[k] += error
                for i, x in enumerate(features):
                    grad_w[k][i] += error * x
        weight = [
            [w - LEARNING_RATE * g for w, g in zip(row, grads)]
            for row, grads in zip(weight, grad_w)
        ]
        bias = [b - LEARNING_RATE * g for b, g in zip(bias, grad_b)]
    return weight, bias


def main() -> None:
    weight, bias = fit()
    rounded = [[round(w, 2) for w in row] for row in weight]
    rounded_bias = [round(b, 2) for b in bias]
    hits = 0
    for features, label in samples():
        scores = [
            sum(w * x for w, x in zip(row, features)) + b for row, b in zip(rounded, rounded_bias)
        ]
        hits += scores.index(max(scores)) == label
    print("WEIGHT =", tuple(tuple(row) for row in rounded))
    print("BIAS =", tuple(rounded_bias))
    print(f"accuracy of the rounded numbers on all 150: {hits}/150")


if __name__ == "__main__":
    main()

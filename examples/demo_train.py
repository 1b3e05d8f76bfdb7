"""Trainwatch's demo trainer: a small neural network really trained, in pure Python, reporting through the SDK.

A two-layer MLP (2 -> 8 tanh -> 1 sigmoid) learns to separate two interleaved half-moons of generated,
seeded 2-D points, with mini-batch SGD on binary cross-entropy. 20% of the points are held out for
validation. Through the SDK it reports, for every step, the batch's `loss` and `accuracy`
(log_metrics(epoch, ..., step=global_step)), and for every epoch a point without a step holding the
epoch's mean `loss` and `accuracy` and the validation set's `val_loss` and `val_accuracy`. It prints an
ordinary log line per epoch ("Epoch 3/10 loss=0.4100 acc=0.8700 val_loss=... val_acc=..."), and WARNING
lines: one about the learning rate, and one whenever the validation loss rises.

Without TRAINWATCH_URL and TRAINWATCH_JOB_ID it trains all the same (the SDK only warns). When Trainwatch
runs it as a job, the executor collects the printed lines; `--send-logs` also sends them through the SDK,
for a run started by hand. `--epochs` and `--batch-size` default to TRAINWATCH_NUM_EPOCHS and
TRAINWATCH_BATCH_SIZE when the executor sets them, else 10 and 32.

    python3 examples/demo_train.py --epochs 2 --steps-per-epoch 5
"""

import argparse
import math
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sdk", "python"))

from trainwatch import TrainingLogger  # noqa: E402  (after the path is set)

from options import env_int, positive_int  # noqa: E402  (beside this file)

HIDDEN = 8


def parse_options(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=positive_int, default=env_int("TRAINWATCH_NUM_EPOCHS", 10))
    parser.add_argument("--steps-per-epoch", type=positive_int, default=20)
    parser.add_argument("--step-delay", type=float, default=0.05, help="seconds to sleep after each step")
    parser.add_argument("--batch-size", type=positive_int, default=env_int("TRAINWATCH_BATCH_SIZE", 32))
    parser.add_argument("--lr", type=float, default=0.8, help="learning rate")
    parser.add_argument("--samples", type=positive_int, default=600)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--send-logs", action="store_true", help="also send printed lines through the SDK")
    return parser.parse_args(argv)


def make_moons(count, noise, rng):
    """Two interleaved half circles with Gaussian noise, labels 0 and 1, shuffled."""
    data = []
    for index in range(count):
        label = index % 2
        angle = rng.uniform(0.0, math.pi)
        if label == 0:
            x, y = math.cos(angle), math.sin(angle)
        else:
            x, y = 1.0 - math.cos(angle), 0.5 - math.sin(angle)
        data.append(((x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)), label))
    rng.shuffle(data)
    return data


def standardize(train, validation):
    """Scale both features to mean 0 and variance 1, using the training set's statistics."""
    means, scales = [], []
    for feature in range(2):
        values = [point[feature] for point, _ in train]
        mean = sum(values) / len(values)
        variance = sum((value - mean) ** 2 for value in values) / len(values)
        means.append(mean)
        scales.append(math.sqrt(variance) or 1.0)

    def scale(data):
        return [(tuple((point[f] - means[f]) / scales[f] for f in range(2)), label) for point, label in data]

    return scale(train), scale(validation)


def sigmoid(value):
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1.0 + exp)


class Mlp:
    """2 inputs -> HIDDEN tanh units -> 1 sigmoid output."""

    def __init__(self, rng):
        scale = 1.0 / math.sqrt(2)
        self.w1 = [[rng.gauss(0.0, scale) for _ in range(2)] for _ in range(HIDDEN)]
        self.b1 = [0.0] * HIDDEN
        self.w2 = [rng.gauss(0.0, 1.0 / math.sqrt(HIDDEN)) for _ in range(HIDDEN)]
        self.b2 = 0.0

    def forward(self, point):
        hidden = [math.tanh(w[0] * point[0] + w[1] * point[1] + b) for w, b in zip(self.w1, self.b1)]
        output = sigmoid(sum(w * h for w, h in zip(self.w2, hidden)) + self.b2)
        return hidden, output

    def evaluate(self, data):
        """Mean binary cross-entropy and accuracy over `data`."""
        loss = correct = 0.0
        for point, label in data:
            _, p = self.forward(point)
            p = min(max(p, 1e-12), 1.0 - 1e-12)
            loss -= label * math.log(p) + (1 - label) * math.log(1.0 - p)
            correct += (p >= 0.5) == (label == 1)
        return loss / len(data), correct / len(data)

    def sgd_step(self, batch, lr):
        """One step of gradient descent on `batch`; answers the batch's loss and accuracy before the step."""
        g_w1 = [[0.0, 0.0] for _ in range(HIDDEN)]
        g_b1 = [0.0] * HIDDEN
        g_w2 = [0.0] * HIDDEN
        g_b2 = 0.0
        loss = correct = 0.0
        for point, label in batch:
            hidden, p = self.forward(point)
            clipped = min(max(p, 1e-12), 1.0 - 1e-12)
            loss -= label * math.log(clipped) + (1 - label) * math.log(1.0 - clipped)
            correct += (p >= 0.5) == (label == 1)
            d_out = p - label  # d(loss)/d(pre-sigmoid output)
            g_b2 += d_out
            for j in range(HIDDEN):
                g_w2[j] += d_out * hidden[j]
                d_hidden = d_out * self.w2[j] * (1.0 - hidden[j] ** 2)
                g_w1[j][0] += d_hidden * point[0]
                g_w1[j][1] += d_hidden * point[1]
                g_b1[j] += d_hidden
        n = len(batch)
        for j in range(HIDDEN):
            self.w2[j] -= lr * g_w2[j] / n
            self.w1[j][0] -= lr * g_w1[j][0] / n
            self.w1[j][1] -= lr * g_w1[j][1] / n
            self.b1[j] -= lr * g_b1[j] / n
        self.b2 -= lr * g_b2 / n
        return loss / n, correct / n


def batches(data, size, rng):
    """Endless mini-batches: the data shuffled, cut in order, reshuffled after each pass."""
    while True:
        order = list(data)
        rng.shuffle(order)
        for start in range(0, len(order) - size + 1, size):
            yield order[start : start + size]


def train(options):
    rng = random.Random(options.seed)
    data = make_moons(options.samples, 0.15, rng)
    cut = max(1, int(len(data) * 0.8))
    train_set, validation_set = standardize(data[:cut], data[cut:] or data[:1])
    model = Mlp(rng)
    feed = batches(train_set, min(options.batch_size, len(train_set)), rng)
    started = time.monotonic()

    with TrainingLogger(capture_output=options.send_logs) as tracker:
        print("INFO starting training: MLP 2-%d-1 on %d training and %d validation points, %d epochs of %d steps, "
              "batch %d, seed %d" % (HIDDEN, len(train_set), len(validation_set), options.epochs,
                                     options.steps_per_epoch, options.batch_size, options.seed), flush=True)
        if options.lr > 0.5:
            print("WARNING learning rate %g is high for plain SGD; if the loss oscillates, try --lr 0.1" % options.lr,
                  flush=True)
        global_step = 0
        best_val_loss = None
        previous_val_loss = None
        for epoch in range(1, options.epochs + 1):
            losses, accuracies = [], []
            for _ in range(options.steps_per_epoch):
                loss, accuracy = model.sgd_step(next(feed), options.lr)
                global_step += 1
                losses.append(loss)
                accuracies.append(accuracy)
                tracker.log_metrics(epoch, {"loss": loss, "accuracy": accuracy}, step=global_step)
                if options.step_delay > 0:
                    time.sleep(options.step_delay)
            val_loss, val_accuracy = model.evaluate(validation_set)
            epoch_loss = sum(losses) / len(losses)
            epoch_accuracy = sum(accuracies) / len(accuracies)
            tracker.log_metrics(epoch, {"loss": epoch_loss, "accuracy": epoch_accuracy,
                                        "val_loss": val_loss, "val_accuracy": val_accuracy})
            print("Epoch %d/%d loss=%.4f acc=%.4f val_loss=%.4f val_acc=%.4f"
                  % (epoch, options.epochs, epoch_loss, epoch_accuracy, val_loss, val_accuracy), flush=True)
            if previous_val_loss is not None and val_loss > previous_val_loss:
                print("WARNING val_loss rose from %.4f to %.4f" % (previous_val_loss, val_loss), flush=True)
            previous_val_loss = val_loss
            best_val_loss = val_loss if best_val_loss is None else min(best_val_loss, val_loss)
        print("INFO training finished in %.1fs: best val_loss=%.4f, final val_accuracy=%.4f"
              % (time.monotonic() - started, best_val_loss, val_accuracy), flush=True)
    stats = tracker.stats()
    if tracker.enabled:
        print("INFO trainwatch: %d points and log entries sent, %d dropped, %d retried"
              % (stats["sent"], stats["dropped"], stats["retried"]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(train(parse_options()))

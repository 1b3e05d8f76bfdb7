"""Trainwatch's PyTorch demo: a small CNN learns scikit-learn's bundled handwritten digits, reporting through the SDK.

The data is `sklearn.datasets.load_digits()`: 1,797 grey 8x8 images of the digits 0 to 9, shipped with
scikit-learn (nothing is downloaded). 20% of them, stratified by digit, are held out for validation. The
default model is a small CNN (two 3x3 convolutions of 32 and 64 channels, 2x2 max pooling, dropout, a
128-unit layer; about 151,000 weights), `--model mlp` a two-layer perceptron; both train with Adam on
cross-entropy, on the CPU.

Through the SDK (`TrainingLogger`) it reports, for every step, the batch's `loss` and `accuracy`
(log_metrics(epoch, ..., step=global_step)), and for every epoch a point without a step holding the epoch's
mean `loss` and `accuracy` and the validation set's `val_loss` and `val_accuracy`. The SDK's system metrics
(`system/cpu_percent`, `system/process_rss_mb`, the machine's memory, GPUs when nvidia-smi is there) are on,
every second by default, since a run of this demo lasts seconds, not hours (`--system-metrics-interval`, or
TRAINWATCH_SYSTEM_METRICS_INTERVAL; 0 turns them off). It prints a line per epoch ("Epoch 3/20 loss=0.4100
acc=0.8700 val_loss=... val_acc=... (0.21s)"), and a WARNING line when the validation loss rises.

It needs PyTorch and scikit-learn: on Debian, `apt-get install python3-torch python3-sklearn` (1.13 and 1.2),
which import under /usr/bin/python3. `./trainwatch demo --torch` submits it as a local job. Without
TRAINWATCH_URL and TRAINWATCH_JOB_ID it trains all the same (the SDK only warns). `--epochs` and
`--batch-size` default to TRAINWATCH_NUM_EPOCHS and TRAINWATCH_BATCH_SIZE when the executor sets them, else
20 and 64.

    /usr/bin/python3 examples/torch_digits.py --epochs 2
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sdk", "python"))

from trainwatch import TrainingLogger  # noqa: E402  (after the path is set)

from options import env_int, positive_int  # noqa: E402  (beside this file)

try:
    import torch
    from torch import nn
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
except ImportError as missing:  # say what to install instead of a traceback
    print("ERROR %s: this demo needs PyTorch and scikit-learn (Debian: apt-get install python3-torch python3-sklearn, "
          "then run it with /usr/bin/python3)" % missing, file=sys.stderr, flush=True)
    sys.exit(2)


def parse_options(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=positive_int, default=env_int("TRAINWATCH_NUM_EPOCHS", 20))
    parser.add_argument("--batch-size", type=positive_int, default=env_int("TRAINWATCH_BATCH_SIZE", 64))
    parser.add_argument("--model", choices=("cnn", "mlp"), default="cnn")
    parser.add_argument("--lr", type=float, default=1e-3, help="Adam's learning rate")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's choice)")
    parser.add_argument("--system-metrics-interval", default=os.environ.get("TRAINWATCH_SYSTEM_METRICS_INTERVAL", "1"),
                        help="seconds between the SDK's system metrics samples (0: off; default 1)")
    parser.add_argument("--send-logs", action="store_true", help="also send printed lines through the SDK")
    return parser.parse_args(argv)


def make_model(kind):
    if kind == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                             nn.Linear(64, 10))
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
        nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(),
        nn.Linear(64 * 4 * 4, 128), nn.ReLU(), nn.Dropout(0.25),
        nn.Linear(128, 10),
    )


def load_data(seed):
    """The digits as (N, 1, 8, 8) float tensors scaled to [0, 1] and int64 labels: training and validation."""
    digits = load_digits()
    images = digits.images.astype("float32") / 16.0
    train_x, val_x, train_y, val_y = train_test_split(images, digits.target, test_size=0.2, stratify=digits.target,
                                                      random_state=seed)

    def tensors(x, y):
        return torch.from_numpy(x).unsqueeze(1), torch.from_numpy(y).long()

    return tensors(train_x, train_y), tensors(val_x, val_y)


def evaluate(model, loss_fn, data):
    """Mean loss and accuracy over `data` (images, labels), without dropout or gradients."""
    images, labels = data
    model.eval()
    with torch.no_grad():
        logits = model(images)
        loss = loss_fn(logits, labels).item()
        accuracy = (logits.argmax(1) == labels).float().mean().item()
    model.train()
    return loss, accuracy


def train(options):
    torch.manual_seed(options.seed)
    if options.threads > 0:
        torch.set_num_threads(options.threads)
    (train_x, train_y), validation = load_data(options.seed)
    model = make_model(options.model)
    optimizer = torch.optim.Adam(model.parameters(), lr=options.lr)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(options.seed)
    weights = sum(parameter.numel() for parameter in model.parameters())
    started = time.monotonic()

    with TrainingLogger(capture_output=options.send_logs,
                        system_metrics_interval=options.system_metrics_interval) as tracker:
        print("INFO starting training: %s (%d weights) on %d training and %d validation digits, %d epochs, batch %d, "
              "lr %g, seed %d, torch %s with %d threads" % (
                  options.model.upper(), weights, len(train_y), len(validation[1]), options.epochs,
                  options.batch_size, options.lr, options.seed, torch.__version__, torch.get_num_threads()),
              flush=True)
        global_step = 0
        best_val_loss = previous_val_loss = None
        val_accuracy = 0.0
        for epoch in range(1, options.epochs + 1):
            epoch_started = time.monotonic()
            order = torch.randperm(len(train_y), generator=generator)
            loss_sum = correct = seen = 0.0
            for start in range(0, len(order), options.batch_size):
                batch = order[start : start + options.batch_size]
                images, labels = train_x[batch], train_y[batch]
                logits = model(images)
                loss = loss_fn(logits, labels)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                global_step += 1
                batch_loss = loss.item()
                batch_correct = (logits.argmax(1) == labels).sum().item()
                loss_sum += batch_loss * len(batch)
                correct += batch_correct
                seen += len(batch)
                tracker.log_metrics(epoch, {"loss": batch_loss, "accuracy": batch_correct / len(batch)},
                                    step=global_step)
            val_loss, val_accuracy = evaluate(model, loss_fn, validation)
            epoch_loss, epoch_accuracy = loss_sum / seen, correct / seen
            tracker.log_metrics(epoch, {"loss": epoch_loss, "accuracy": epoch_accuracy,
                                        "val_loss": val_loss, "val_accuracy": val_accuracy})
            print("Epoch %d/%d loss=%.4f acc=%.4f val_loss=%.4f val_acc=%.4f (%.2fs)"
                  % (epoch, options.epochs, epoch_loss, epoch_accuracy, val_loss, val_accuracy,
                     time.monotonic() - epoch_started), flush=True)
            if previous_val_loss is not None and val_loss > previous_val_loss:
                print("WARNING val_loss rose from %.4f to %.4f" % (previous_val_loss, val_loss), flush=True)
            previous_val_loss = val_loss
            best_val_loss = val_loss if best_val_loss is None else min(best_val_loss, val_loss)
        print("INFO training finished in %.1fs: best val_loss=%.4f, final val_accuracy=%.4f"
              % (time.monotonic() - started, best_val_loss, val_accuracy), flush=True)
    stats = tracker.stats()
    if tracker.enabled:
        system = stats["system_metrics"]
        print("INFO trainwatch: %d points and log entries sent, %d dropped, %d retried; %d system metrics samples%s"
              % (stats["sent"], stats["dropped"], stats["retried"], system["samples"],
                 "".join(", no %s (%s)" % item for item in sorted(system["unavailable"].items()))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(train(parse_options()))

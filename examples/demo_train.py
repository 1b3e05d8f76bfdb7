"""A stand-in trainer: prints epochs and log lines like a real one, so local jobs have output.

The real demo (a small model trained on generated data, reporting metrics through the SDK) replaces it.
"""
import argparse
import time

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--seconds-per-epoch", type=float, default=0.5)
options = parser.parse_args()

print("INFO starting training", flush=True)
for epoch in range(1, options.epochs + 1):
    time.sleep(options.seconds_per_epoch)
    print(f"Epoch {epoch}/{options.epochs} loss={1.0 / epoch:.4f}", flush=True)
print("WARNING this trainer learns nothing: it is a stand-in", flush=True)
print("INFO training finished", flush=True)

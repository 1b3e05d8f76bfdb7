"""Unit tests of the Trainwatch SDK; run from the project root with
python3 -m unittest discover -s sdk/python/tests -t sdk/python"""

"""Collectors: all I/O of the network stages. Each turns faults into facts, never into exceptions.

These modules are imported on the static path (the rules import their subject types), so they must
import dnspython, boto3 and botocore only inside functions.
"""

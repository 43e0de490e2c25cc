"""Facts: the network stages' data, frozen dataclasses with no I/O (collected by ses_lint/collect/).

The rules import these types, so these modules are imported on the static path: they import the
standard library, the finding and config types, and one another; never a collector, dnspython, boto3
or botocore.
"""

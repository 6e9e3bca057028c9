from setuptools import setup

# Everything, entry points included, is declared in pyproject.toml; this file stays for tools
# that still call `python setup.py`.
setup()

from setuptools import setup

# Metadata lives in pyproject.toml; setup.py stays for `pip install -e .` on older tooling
# and for the CKAN plugin entry points, which CKAN extensions traditionally declare here.
setup(
    entry_points={
        "ckan.plugins": [
            "socle = ckanext.socle.plugins:SoclePlugin",
            "socle_validation = ckanext.socle.plugins:SocleValidationPlugin",
            "socle_clauses = ckanext.socle.plugins:SocleClausesPlugin",
            "socle_compare = ckanext.socle.plugins:SocleComparePlugin",
        ],
        "babel.extractors": [
            "ckan = ckan.lib.extract:extract_ckan",
        ],
        "console_scripts": [
            "socle-validate = ckanext.socle.conformity.cli:main",
        ],
    },
    message_extractors={
        "ckanext": [
            ("**.py", "python", None),
            ("**.js", "javascript", None),
            ("**/templates/**.html", "ckan", None),
        ],
    },
)

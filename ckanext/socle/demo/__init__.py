"""The Infocom94 demo portal: 17 Val-de-Marne communes publishing generated SCDL files.

Every file made here is *demo data*: generated in the SCDL formats, never a commune's real
publication, and labelled so in the dataset's title and description.
"""

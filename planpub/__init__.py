"""planpub: turn Chinese government plan documents into bilingual open data and a static site."""

__version__ = "0.1.0"

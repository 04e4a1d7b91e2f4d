"""Arabic text knowledge: normalisation, tokenisation and lexicons (data files)."""

from marsad.arabic.normalise import normalise, normalise_digits, strip_clitics

__all__ = ["normalise", "normalise_digits", "strip_clitics"]

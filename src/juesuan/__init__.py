"""juesuan (决算): tools for Chinese public-sector department final-accounts disclosures."""

__version__ = "0.1.0"

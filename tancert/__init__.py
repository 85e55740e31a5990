"""tancert — carbon management system certification under CEC-7048CMS-A/2."""

__version__ = "0.1.0"

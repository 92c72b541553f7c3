"""FLEX Watch: knowledge on trafficking for forced labour and labour exploitation."""

__version__ = "0.1.0"

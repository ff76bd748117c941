"""Closing the loop: rectification, re-inspection, case transfer, credit sanctions, documents and archives."""

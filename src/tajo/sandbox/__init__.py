"""Local simulators of the Gorgias and Brevo APIs.

They are written from the public API facts alone and import nothing from the
clients, models or sync code of tajo, so they cannot share its mistakes.
"""

"""The API: the DCI Social Registry endpoints, their clients, signatures and callbacks."""

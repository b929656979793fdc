"""The central office's casebook in hub mode: office keys and card, the roster of
devices, caseloads (:mod:`.office`), and the exchange loop (:mod:`.exchange`)."""

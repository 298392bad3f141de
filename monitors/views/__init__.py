"""The monitors pages, one module per concern: sources, platform connections and their sign-in,
classification rules and the local model, and the demo's documents and Play API; the URLconfs
(monitors/urls/) route to them."""

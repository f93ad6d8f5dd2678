"""Time-series methods: ``its``, the interrupted time series with a structural counterfactual."""

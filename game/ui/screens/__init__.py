"""One module per screen; ``base.Screen`` is the small shared base class."""

"""The views of the modes every field shares, one class per mode (``show``, ``on_text``,
``on_button``).  Modes only one kind of field needs live in that kind's module; all are
wired in :mod:`dialogs.engine.machine`."""

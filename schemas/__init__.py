"""marshmallow schemas: the shapes of profiles (what users give) and rule tables (what analysts write)."""

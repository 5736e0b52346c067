"""The `kt` command. No Django import at module level (DESIGN §2)."""

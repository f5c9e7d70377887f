"""Source readers: each turns one kind of input into an Instance plus findings."""

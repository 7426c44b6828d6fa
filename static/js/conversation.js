// conversation

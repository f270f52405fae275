return "not a filter"

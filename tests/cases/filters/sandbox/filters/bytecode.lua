local f, err = load(string.dump(function() return 1 end), "x", "b")
assert(f, err)
return {}

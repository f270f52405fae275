return { document = function() local s = string.rep("policy", 1e8) end }

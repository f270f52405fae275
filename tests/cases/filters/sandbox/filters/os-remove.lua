return { document = function() os.remove("keep-me") end }

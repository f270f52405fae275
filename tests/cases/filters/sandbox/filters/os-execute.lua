return { document = function() os.execute("touch pwned-exec") end }

"""Beauty filters on the output canvas: brighten, smooth skin, slim the face, sharpen.

Each filter takes a factor in (0, 1] and is monotonic in it; the stage (engine/stages/beauty.py) calls
them only for factors above 0, so an unset filter leaves every pixel as it was.
"""

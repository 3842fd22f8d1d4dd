namespace AssetMeter.Firmware.Commands
{
    /// <summary>
    /// A strict reader for the one JSON shape commands use: a single object whose values are strings (ASCII,
    /// escapes \" and \\ only), non-negative integers, or true/false. Anything else (nesting, floats, duplicates,
    /// control characters, trailing bytes, more than <see cref="MaximumFields"/> fields) is refused: the reader
    /// never guesses, never throws on malformed input, and allocates only the strings it returns.
    /// </summary>
    public sealed class FlatJson
    {
        /// <summary>Most fields accepted.</summary>
        public const int MaximumFields = 12;

        /// <summary>Longest string value accepted.</summary>
        public const int MaximumStringLength = 400;

        private readonly string[] _keys = new string[MaximumFields];
        private readonly string[] _strings = new string[MaximumFields];
        private readonly long[] _numbers = new long[MaximumFields];
        private readonly int[] _kinds = new int[MaximumFields];

        private const int KindString = 1;
        private const int KindNumber = 2;
        private const int KindBoolean = 3;

        /// <summary>Fields read.</summary>
        public int Count { get; private set; }

        /// <summary>Parses bytes <paramref name="offset"/> to <paramref name="offset"/> + <paramref name="count"/>; false if they are not exactly one flat object.</summary>
        public bool Parse(byte[] data, int offset, int count)
        {
            Count = 0;
            int end = offset + count;
            int at = SkipSpace(data, offset, end);
            if (at >= end || data[at] != (byte)'{')
            {
                return false;
            }

            at = SkipSpace(data, at + 1, end);
            if (at < end && data[at] == (byte)'}')
            {
                return SkipSpace(data, at + 1, end) == end;
            }

            while (true)
            {
                if (Count == MaximumFields)
                {
                    return false;
                }

                string key;
                at = ReadString(data, at, end, out key);
                if (at < 0 || key.Length == 0 || IndexOf(key) >= 0)
                {
                    return false;
                }

                at = SkipSpace(data, at, end);
                if (at >= end || data[at] != (byte)':')
                {
                    return false;
                }

                at = SkipSpace(data, at + 1, end);
                if (at >= end)
                {
                    return false;
                }

                _keys[Count] = key;
                byte first = data[at];
                if (first == (byte)'"')
                {
                    string value;
                    at = ReadString(data, at, end, out value);
                    if (at < 0)
                    {
                        return false;
                    }

                    _kinds[Count] = KindString;
                    _strings[Count] = value;
                }
                else if (first >= (byte)'0' && first <= (byte)'9')
                {
                    long value = 0;
                    int digits = 0;
                    while (at < end && data[at] >= (byte)'0' && data[at] <= (byte)'9')
                    {
                        if (digits == 18 || (digits > 0 && value == 0))
                        {
                            return false;
                        }

                        value = (value * 10) + (data[at] - (byte)'0');
                        digits++;
                        at++;
                    }

                    _kinds[Count] = KindNumber;
                    _numbers[Count] = value;
                }
                else if (Matches(data, at, end, "true"))
                {
                    _kinds[Count] = KindBoolean;
                    _numbers[Count] = 1;
                    at += 4;
                }
                else if (Matches(data, at, end, "false"))
                {
                    _kinds[Count] = KindBoolean;
                    _numbers[Count] = 0;
                    at += 5;
                }
                else
                {
                    return false;
                }

                Count++;
                at = SkipSpace(data, at, end);
                if (at >= end)
                {
                    return false;
                }

                if (data[at] == (byte)'}')
                {
                    return SkipSpace(data, at + 1, end) == end;
                }

                if (data[at] != (byte)',')
                {
                    return false;
                }

                at = SkipSpace(data, at + 1, end);
            }
        }

        /// <summary>The string value of <paramref name="key"/>, or null if absent or not a string.</summary>
        public string String(string key)
        {
            int index = IndexOf(key);
            return index >= 0 && _kinds[index] == KindString ? _strings[index] : null;
        }

        /// <summary>The integer value of <paramref name="key"/>; false if absent or not an integer.</summary>
        public bool Number(string key, out long value)
        {
            int index = IndexOf(key);
            value = index >= 0 ? _numbers[index] : 0;
            return index >= 0 && _kinds[index] == KindNumber;
        }

        /// <summary>True when <paramref name="key"/> is present.</summary>
        public bool Has(string key)
        {
            return IndexOf(key) >= 0;
        }

        /// <summary>Key of field <paramref name="index"/>.</summary>
        public string KeyAt(int index)
        {
            return _keys[index];
        }

        private int IndexOf(string key)
        {
            for (int i = 0; i < Count; i++)
            {
                if (_keys[i] == key)
                {
                    return i;
                }
            }

            return -1;
        }

        private static int ReadString(byte[] data, int at, int end, out string value)
        {
            value = null;
            if (at >= end || data[at] != (byte)'"')
            {
                return -1;
            }

            // Measure first (refusing anything not plain printable ASCII), then build.
            int length = 0;
            int scan = at + 1;
            while (true)
            {
                if (scan >= end || length > MaximumStringLength)
                {
                    return -1;
                }

                byte b = data[scan];
                if (b == (byte)'"')
                {
                    break;
                }

                if (b < 32 || b > 126)
                {
                    return -1;
                }

                if (b == (byte)'\\')
                {
                    if (scan + 1 >= end || (data[scan + 1] != (byte)'"' && data[scan + 1] != (byte)'\\'))
                    {
                        return -1;
                    }

                    scan++;
                }

                length++;
                scan++;
            }

            char[] chars = new char[length];
            int from = at + 1;
            for (int i = 0; i < length; i++)
            {
                if (data[from] == (byte)'\\')
                {
                    from++;
                }

                chars[i] = (char)data[from];
                from++;
            }

            value = new string(chars);
            return scan + 1;
        }

        private static bool Matches(byte[] data, int at, int end, string word)
        {
            if (at + word.Length > end)
            {
                return false;
            }

            for (int i = 0; i < word.Length; i++)
            {
                if (data[at + i] != (byte)word[i])
                {
                    return false;
                }
            }

            return true;
        }

        private static int SkipSpace(byte[] data, int at, int end)
        {
            while (at < end && (data[at] == (byte)' ' || data[at] == (byte)'\t' || data[at] == (byte)'\r' || data[at] == (byte)'\n'))
            {
                at++;
            }

            return at;
        }
    }
}

namespace AssetMeter.Firmware.Text
{
    /// <summary>
    /// Integer text without cultures: the same digits on the device and on any host, for file names,
    /// configuration and the record format. Parsing accepts only plain ASCII digits with an optional leading '-'.
    /// </summary>
    public static class InvariantText
    {
        /// <summary>Parses a whole string as a decimal integer; false on anything else (empty, sign only, junk, overflow).</summary>
        public static bool TryParseInt64(string text, out long value)
        {
            value = 0;
            if (text == null)
            {
                return false;
            }

            return TryParseInt64(text, 0, text.Length, out value);
        }

        /// <summary>Parses <paramref name="length"/> characters from <paramref name="start"/> as a decimal integer.</summary>
        public static bool TryParseInt64(string text, int start, int length, out long value)
        {
            value = 0;
            if (text == null || length <= 0 || start < 0 || start + length > text.Length)
            {
                return false;
            }

            bool negative = text[start] == '-';
            int first = negative ? start + 1 : start;
            if (first == start + length)
            {
                return false;
            }

            // Accumulate negatively so that long.MinValue parses too.
            long result = 0;
            for (int i = first; i < start + length; i++)
            {
                char c = text[i];
                if (c < '0' || c > '9')
                {
                    return false;
                }

                int digit = c - '0';
                if (result < (long.MinValue + digit) / 10)
                {
                    return false;
                }

                result = (result * 10) - digit;
            }

            if (!negative)
            {
                if (result == long.MinValue)
                {
                    return false;
                }

                result = -result;
            }

            value = result;
            return true;
        }

        /// <summary>Writes <paramref name="value"/> in decimal into <paramref name="buffer"/> (ASCII); returns the new offset.</summary>
        public static int WriteInt64(byte[] buffer, int offset, long value)
        {
            if (value < 0)
            {
                buffer[offset++] = (byte)'-';
            }
            else
            {
                value = -value;
            }

            // Work on the negative value so long.MinValue needs no special case.
            int digits = 0;
            long probe = value;
            do
            {
                digits++;
                probe /= 10;
            }
            while (probe != 0);

            for (int i = offset + digits - 1; i >= offset; i--)
            {
                buffer[i] = (byte)('0' - (int)(value % 10));
                value /= 10;
            }

            return offset + digits;
        }

        /// <summary>Writes <paramref name="value"/> in decimal, left-padded with zeros to at least <paramref name="width"/> digits (value must not be negative).</summary>
        public static int WritePadded(byte[] buffer, int offset, long value, int width)
        {
            int digits = 1;
            long probe = value;
            while (probe >= 10)
            {
                digits++;
                probe /= 10;
            }

            for (int pad = digits; pad < width; pad++)
            {
                buffer[offset++] = (byte)'0';
            }

            return WriteInt64(buffer, offset, value);
        }

        /// <summary>The decimal text of <paramref name="value"/>.</summary>
        public static string Format(long value)
        {
            byte[] digits = new byte[20];
            int length = WriteInt64(digits, 0, value);
            char[] chars = new char[length];
            for (int i = 0; i < length; i++)
            {
                chars[i] = (char)digits[i];
            }

            return new string(chars);
        }
    }
}

namespace AssetMeter.Firmware.Text
{
    /// <summary>Lower-case hexadecimal, without allocation where a buffer is given.</summary>
    public static class Hex
    {
        private const string Digits = "0123456789abcdef";

        /// <summary>Writes <paramref name="count"/> bytes as hex text (ASCII) into <paramref name="output"/>; returns the new offset.</summary>
        public static int Write(byte[] source, int offset, int count, byte[] output, int outputOffset)
        {
            for (int i = 0; i < count; i++)
            {
                byte value = source[offset + i];
                output[outputOffset++] = (byte)Digits[value >> 4];
                output[outputOffset++] = (byte)Digits[value & 0xF];
            }

            return outputOffset;
        }

        /// <summary>Hex text of the bytes.</summary>
        public static string Encode(byte[] source, int offset, int count)
        {
            char[] chars = new char[count * 2];
            for (int i = 0; i < count; i++)
            {
                byte value = source[offset + i];
                chars[2 * i] = Digits[value >> 4];
                chars[(2 * i) + 1] = Digits[value & 0xF];
            }

            return new string(chars);
        }

        /// <summary>Decodes hex text (either case); null if it is not an even number of hex digits.</summary>
        public static byte[] Decode(string text)
        {
            if (text == null || (text.Length % 2) != 0)
            {
                return null;
            }

            byte[] bytes = new byte[text.Length / 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                int high = Value(text[2 * i]);
                int low = Value(text[(2 * i) + 1]);
                if (high < 0 || low < 0)
                {
                    return null;
                }

                bytes[i] = (byte)((high << 4) | low);
            }

            return bytes;
        }

        /// <summary>Value of one hex digit, or -1.</summary>
        public static int Value(char c)
        {
            if (c >= '0' && c <= '9')
            {
                return c - '0';
            }

            if (c >= 'a' && c <= 'f')
            {
                return c - 'a' + 10;
            }

            if (c >= 'A' && c <= 'F')
            {
                return c - 'A' + 10;
            }

            return -1;
        }
    }
}

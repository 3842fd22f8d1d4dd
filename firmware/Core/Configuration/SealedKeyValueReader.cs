using AssetMeter.Firmware.Text;
using AssetMeter.Metrology.Arithmetic;

namespace AssetMeter.Firmware.Configuration
{
    /// <summary>
    /// The text format of the meter's configuration files (the meter configuration and the Wi-Fi credentials):
    /// ASCII, one <c>key = value</c> per line, <c>#</c> comments, and as its last line <c>crc32 = xxxxxxxx</c>,
    /// the CRC-32 (hex) of every byte before that line. Only the keys a file declares are accepted, each at most
    /// once, so a typing mistake is caught rather than ignored; what each value means is the caller's business.
    /// </summary>
    /// <remarks>
    /// Values are trimmed: a value cannot begin or end with spaces. Everything after the first '=' is the value,
    /// so a value may itself contain '='.
    /// </remarks>
    public static class SealedKeyValueReader
    {
        /// <summary>
        /// Parses <paramref name="length"/> bytes of <paramref name="data"/>, accepting only <paramref name="keys"/>.
        /// Returns the values in the order of <paramref name="keys"/> (null where a key is absent) and fills
        /// <paramref name="lines"/> (as long as <paramref name="keys"/>) with the line of each; on failure returns
        /// null and explains in <paramref name="error"/> (which line, what is wrong) in words an installer can act on.
        /// </summary>
        public static string[] Read(byte[] data, int length, string[] keys, int[] lines, out string error)
        {
            error = null;
            if (data == null || length <= 0)
            {
                error = "configuration is missing or empty";
                return null;
            }

            string[] values = new string[keys.Length];
            int lineStart = 0;
            int lineNumber = 0;
            while (lineStart < length)
            {
                lineNumber++;
                int lineEnd = lineStart;
                while (lineEnd < length && data[lineEnd] != (byte)'\n')
                {
                    if (data[lineEnd] > 126 || (data[lineEnd] < 32 && data[lineEnd] != (byte)'\r' && data[lineEnd] != (byte)'\t'))
                    {
                        error = "line " + InvariantText.Format(lineNumber) + ": only printable ASCII is allowed";
                        return null;
                    }

                    lineEnd++;
                }

                string line = Ascii(data, lineStart, lineEnd - lineStart).Trim();
                int next = lineEnd + 1;
                if (line.Length == 0 || line[0] == '#')
                {
                    lineStart = next;
                    continue;
                }

                int equals = line.IndexOf('=');
                if (equals <= 0)
                {
                    error = "line " + InvariantText.Format(lineNumber) + ": expected 'key = value'";
                    return null;
                }

                string key = line.Substring(0, equals).Trim();
                string value = line.Substring(equals + 1).Trim();
                if (key == "crc32")
                {
                    uint expected = Crc32.Compute(data, 0, lineStart);
                    byte[] stated = Hex.Decode(value);
                    if (stated == null || stated.Length != 4 || BigEndian.ReadUInt32(stated, 0) != expected)
                    {
                        error = "line " + InvariantText.Format(lineNumber) + ": integrity check failed: the configuration was altered or damaged (crc32 of the lines above is " + Hex.Encode(Crc(expected), 0, 4) + ")";
                        return null;
                    }

                    if (TrailingContent(data, next, length))
                    {
                        error = "line " + InvariantText.Format(lineNumber) + ": nothing may follow the crc32 line";
                        return null;
                    }

                    return values;
                }

                int index = IndexOf(keys, key);
                if (index < 0)
                {
                    error = "line " + InvariantText.Format(lineNumber) + ": unknown key '" + key + "'";
                    return null;
                }

                if (values[index] != null)
                {
                    error = "line " + InvariantText.Format(lineNumber) + ": '" + key + "' is given twice (first on line " + InvariantText.Format(lines[index]) + ")";
                    return null;
                }

                values[index] = value;
                lines[index] = lineNumber;
                lineStart = next;
            }

            error = "configuration has no integrity check: its last line must be 'crc32 = <hex>' (see docs/firmware.md)";
            return null;
        }

        /// <summary>Position of <paramref name="key"/> in <paramref name="keys"/>, or -1.</summary>
        public static int IndexOf(string[] keys, string key)
        {
            for (int i = 0; i < keys.Length; i++)
            {
                if (keys[i] == key)
                {
                    return i;
                }
            }

            return -1;
        }

        private static bool TrailingContent(byte[] data, int from, int length)
        {
            for (int i = from; i < length; i++)
            {
                if (data[i] != (byte)'\n' && data[i] != (byte)'\r' && data[i] != (byte)' ' && data[i] != (byte)'\t')
                {
                    return true;
                }
            }

            return false;
        }

        private static string Ascii(byte[] data, int offset, int count)
        {
            char[] chars = new char[count];
            for (int i = 0; i < count; i++)
            {
                chars[i] = (char)data[offset + i];
            }

            return new string(chars);
        }

        private static byte[] Crc(uint value)
        {
            byte[] bytes = new byte[4];
            BigEndian.WriteUInt32(bytes, 0, value);
            return bytes;
        }
    }
}

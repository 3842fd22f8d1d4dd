using AssetMeter.Firmware.Text;

namespace AssetMeter.Firmware.Configuration
{
    /// <summary>
    /// Reads the Wi-Fi credentials file of the ESP32 shell (<c>I:\wifi.conf</c>), in the same sealed format as the
    /// meter configuration (<see cref="SealedKeyValueReader"/>): <c>format = 1</c>, <c>ssid = ...</c>,
    /// <c>password = ...</c> (or <c>none</c> for an open network), then the <c>crc32</c> line. Kept apart from the
    /// meter configuration so the network can change without touching the meter's identity and keys.
    /// </summary>
    /// <remarks>
    /// Values are trimmed, so an SSID or passphrase cannot begin or end with a space; the format allows only
    /// printable ASCII, which excludes some SSIDs that the radio itself would accept.
    /// </remarks>
    public static class WifiConfigurationReader
    {
        /// <summary>The only format version understood.</summary>
        public const int FormatVersion = 1;

        private static readonly string[] Keys = { "format", "ssid", "password" };

        /// <summary>Parses the credentials; on failure returns null and explains in <paramref name="error"/>.</summary>
        public static WifiCredentials Read(byte[] data, int length, out string error)
        {
            int[] lines = new int[Keys.Length];
            string[] values = SealedKeyValueReader.Read(data, length, Keys, lines, out error);
            if (values == null)
            {
                return null;
            }

            for (int i = 0; i < Keys.Length; i++)
            {
                if (values[i] == null || values[i].Length == 0)
                {
                    error = "'" + Keys[i] + "' is required and missing";
                    return null;
                }
            }

            long format;
            if (!InvariantText.TryParseInt64(values[0], out format) || format != FormatVersion)
            {
                error = "format " + values[0] + " is not understood (this firmware reads format " + InvariantText.Format(FormatVersion) + ")";
                return null;
            }

            string ssid = values[1];
            if (ssid.Length > 32)
            {
                error = "'ssid' must be 1 to 32 characters";
                return null;
            }

            string password = values[2];
            if (password == "none")
            {
                password = string.Empty;
            }
            else if (password.Length < 8 || password.Length > 64 || (password.Length == 64 && !IsHex(password)))
            {
                error = "'password' must be a WPA passphrase of 8 to 63 characters, a key of 64 hex digits, or 'none' for an open network";
                return null;
            }

            WifiCredentials credentials = new WifiCredentials();
            credentials.Ssid = ssid;
            credentials.Password = password;
            return credentials;
        }

        private static bool IsHex(string text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                if (Hex.Value(text[i]) < 0)
                {
                    return false;
                }
            }

            return true;
        }
    }
}

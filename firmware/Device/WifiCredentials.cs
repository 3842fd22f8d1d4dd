using System.Text;

namespace AssetMeter.Firmware.Device
{
    /// <summary>
    /// The Wi-Fi network the meter joins, read from its own small file (<c>I:\wifi.conf</c>): the meter
    /// configuration's format is fixed by ConfigurationReader (every key known, CRC-sealed), and credentials change
    /// with the site, not with the meter, so they live apart.
    /// </summary>
    /// <remarks>
    /// The file is UTF-8 text of <c>key = value</c> lines; blank lines and lines starting with <c>#</c> are
    /// ignored; spaces around a key or value are not part of it. Both keys are required, nothing else is allowed:
    /// <code>
    /// ssid = SiteNetwork
    /// password = the WPA2 passphrase
    /// </code>
    /// An empty password means an open network. A mistake is reported with its line, never guessed around.
    /// </remarks>
    public sealed class WifiCredentials
    {
        private WifiCredentials(string ssid, string password)
        {
            Ssid = ssid;
            Password = password;
        }

        /// <summary>Network name (1 to 32 bytes).</summary>
        public string Ssid { get; }

        /// <summary>WPA2 passphrase (8 to 63 characters, or 64 hex digits), or empty for an open network.</summary>
        public string Password { get; }

        /// <summary>Parses the file's bytes; null with <paramref name="error"/> set if anything is wrong.</summary>
        public static WifiCredentials Parse(byte[] data, int length, out string error)
        {
            error = null;
            if (data == null || length <= 0)
            {
                error = "the file is empty";
                return null;
            }

            string ssid = null;
            string password = null;
            string[] lines = Encoding.UTF8.GetString(data, 0, length).Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i].TrimEnd('\r').Trim();
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }

                string where = "line " + (i + 1).ToString() + ": ";
                int equals = line.IndexOf('=');
                if (equals <= 0)
                {
                    error = where + "expected 'key = value'";
                    return null;
                }

                string key = line.Substring(0, equals).Trim();
                string value = line.Substring(equals + 1).Trim();
                if (key == "ssid" && ssid == null)
                {
                    ssid = value;
                }
                else if (key == "password" && password == null)
                {
                    password = value;
                }
                else if (key == "ssid" || key == "password")
                {
                    error = where + "'" + key + "' is given twice";
                    return null;
                }
                else
                {
                    error = where + "unknown key '" + key + "' (only ssid and password are allowed)";
                    return null;
                }
            }

            if (ssid == null || password == null)
            {
                error = "'" + (ssid == null ? "ssid" : "password") + "' is missing (write 'password =' with nothing after it for an open network)";
                return null;
            }

            int ssidBytes = Encoding.UTF8.GetBytes(ssid).Length;
            if (ssidBytes < 1 || ssidBytes > 32)
            {
                error = "ssid must be 1 to 32 bytes long";
                return null;
            }

            if (password.Length != 0 && (password.Length < 8 || password.Length > 64))
            {
                error = "password must be empty (open network) or 8 to 63 characters (64 for a hex key)";
                return null;
            }

            return new WifiCredentials(ssid, password);
        }
    }
}

using AssetMeter.Firmware.Text;

namespace AssetMeter.Firmware.Configuration
{
    /// <summary>
    /// Reads the meter configuration: ASCII text, one <c>key = value</c> per line, <c>#</c> comments, and as its
    /// last line <c>crc32 = xxxxxxxx</c>, the CRC-32 (hex) of every byte before that line (the format of
    /// <see cref="SealedKeyValueReader"/>, shared with the Wi-Fi credentials). Every key is required
    /// (except those only needed by the signing method not chosen, and the operational key when the operational stream is off); an unknown key is an error too, so a typing
    /// mistake is caught rather than ignored. A meter never runs on a configuration that fails any check.
    /// </summary>
    public static class ConfigurationReader
    {
        /// <summary>The only format version understood.</summary>
        public const int FormatVersion = 1;

        private static readonly string[] Keys =
        {
            "format", "device_id", "amsid_import", "amsid_export", "ic", "maximum_demand_w", "broker_host",
            "broker_port", "broker_tls", "broker_ca", "broker_client_cert", "broker_client_key", "ntp_servers", "signing", "hmac_key", "atecc608_address",
            "collector_keys", "calibration", "operational_interval_s", "operational_key",
        };

        /// <summary>
        /// Parses a configuration. On failure returns null and explains in <paramref name="error"/> (which line,
        /// which key, what is wrong) in words an installer can act on.
        /// </summary>
        public static MeterConfiguration Read(byte[] data, int length, out string error)
        {
            int[] lines = new int[Keys.Length];
            string[] values = SealedKeyValueReader.Read(data, length, Keys, lines, out error);
            return values == null ? null : Build(values, lines, out error);
        }

        private static MeterConfiguration Build(string[] values, int[] lines, out string error)
        {
            error = null;
            MeterConfiguration config = new MeterConfiguration();
            long number;

            string format = Required(values, "format", ref error);
            if (format != null && (!InvariantText.TryParseInt64(format, out number) || number != FormatVersion))
            {
                error = "format " + format + " is not understood (this firmware reads format " + InvariantText.Format(FormatVersion) + ")";
            }

            config.DeviceId = Identifier(values, "device_id", ref error);
            config.AmsidImport = Identifier(values, "amsid_import", ref error);
            string export = Identifier(values, "amsid_export", ref error);
            config.AmsidExport = export == "none" ? null : export;

            string ic = Required(values, "ic", ref error);
            if (ic == "ade7953")
            {
                config.Ic = IcKind.Ade7953;
            }
            else if (ic == "atm90e32")
            {
                config.Ic = IcKind.Atm90e32;
            }
            else if (ic != null && error == null)
            {
                error = "ic must be ade7953 or atm90e32, not '" + ic + "'";
            }

            config.MaximumDemandWatts = Number(values, "maximum_demand_w", 1, 100000, ref error);
            config.BrokerHost = Identifier(values, "broker_host", ref error);
            config.BrokerPort = (int)Number(values, "broker_port", 1, 65535, ref error);
            string tls = Required(values, "broker_tls", ref error);
            if (tls == "true" || tls == "false")
            {
                config.BrokerTls = tls == "true";
            }
            else if (tls != null && error == null)
            {
                error = "broker_tls must be true or false";
            }

            if (config.BrokerTls)
            {
                // With TLS: the CA that signed the broker's certificate, and the meter's own certificate and key for
                // brokers that require client certificates ("none" for both when the broker does not).
                config.BrokerCaFile = Required(values, "broker_ca", ref error);
                string certificate = Required(values, "broker_client_cert", ref error);
                string key = Required(values, "broker_client_key", ref error);
                if (certificate != null && key != null && (certificate == "none") != (key == "none") && error == null)
                {
                    error = "broker_client_cert and broker_client_key go together: give both files, or 'none' for both";
                }

                config.BrokerClientCertificateFile = certificate == "none" ? null : certificate;
                config.BrokerClientKeyFile = key == "none" ? null : key;
            }

            string ntp = Required(values, "ntp_servers", ref error);
            if (ntp != null)
            {
                config.NtpServers = SplitList(ntp);
                if (config.NtpServers.Length == 0 && error == null)
                {
                    error = "ntp_servers must name at least one server";
                }
            }

            string signing = Required(values, "signing", ref error);
            if (signing == "atecc608")
            {
                config.Signing = SigningKind.Atecc608;
                config.Atecc608Address = (int)Number(values, "atecc608_address", 1, 127, ref error);
            }
            else if (signing == "hmac")
            {
                config.Signing = SigningKind.Hmac;
                config.HmacKey = HexValue(values, "hmac_key", ref error);
                if (config.HmacKey != null && config.HmacKey.Length < 32 && error == null)
                {
                    error = "hmac_key must be at least 32 bytes (64 hex digits)";
                }
            }
            else if (signing != null && error == null)
            {
                error = "signing must be atecc608 or hmac, not '" + signing + "'";
            }

            string collectorKeys = Required(values, "collector_keys", ref error);
            if (collectorKeys != null)
            {
                string[] keys = SplitList(collectorKeys);
                config.CollectorKeys = new byte[keys.Length][];
                for (int i = 0; i < keys.Length; i++)
                {
                    config.CollectorKeys[i] = Hex.Decode(keys[i]);
                    if ((config.CollectorKeys[i] == null || config.CollectorKeys[i].Length != 65 || config.CollectorKeys[i][0] != 4) && error == null)
                    {
                        error = "collector_keys entry " + InvariantText.Format(i + 1) + " is not an uncompressed P-256 public key (130 hex digits starting 04)";
                    }
                }

                if (keys.Length == 0 && error == null)
                {
                    error = "collector_keys must name at least one collector key";
                }
            }

            // The operational metering stream: "off", or its interval in seconds with the key its messages are signed with.
            string operational = Required(values, "operational_interval_s", ref error);
            if (operational != null && operational != "off")
            {
                config.OperationalIntervalSeconds = (int)Number(values, "operational_interval_s", 1, 60, ref error);
                config.OperationalKey = HexValue(values, "operational_key", ref error);
                if (config.OperationalKey != null && config.OperationalKey.Length < 32 && error == null)
                {
                    error = "operational_key must be at least 32 bytes (64 hex digits)";
                }
            }

            string calibration = Required(values, "calibration", ref error);
            if (calibration != null && calibration != "nominal")
            {
                config.Calibration = Hex.Decode(calibration);
                if (config.Calibration == null && error == null)
                {
                    error = "calibration must be 'nominal' or the hex of a calibration record";
                }
            }

            return error == null ? config : null;
        }

        private static string Required(string[] values, string key, ref string error)
        {
            string value = values[IndexOfKey(key)];
            if (value == null || value.Length == 0)
            {
                if (error == null)
                {
                    error = "'" + key + "' is required and missing";
                }

                return null;
            }

            return value;
        }

        private static string Identifier(string[] values, string key, ref string error)
        {
            string value = Required(values, key, ref error);
            if (value == null)
            {
                return null;
            }

            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
                if (!ok)
                {
                    if (error == null)
                    {
                        error = "'" + key + "' may only hold letters, digits, '-', '_' and '.'";
                    }

                    return null;
                }
            }

            return value;
        }

        private static long Number(string[] values, string key, long minimum, long maximum, ref string error)
        {
            string value = Required(values, key, ref error);
            long number;
            if (value != null && (!InvariantText.TryParseInt64(value, out number) || number < minimum || number > maximum))
            {
                if (error == null)
                {
                    error = "'" + key + "' must be a whole number from " + InvariantText.Format(minimum) + " to " + InvariantText.Format(maximum);
                }

                return 0;
            }

            return value == null ? 0 : ParseChecked(value);
        }

        private static byte[] HexValue(string[] values, string key, ref string error)
        {
            string value = Required(values, key, ref error);
            byte[] bytes = value == null ? null : Hex.Decode(value);
            if (value != null && bytes == null && error == null)
            {
                error = "'" + key + "' must be hexadecimal";
            }

            return bytes;
        }

        private static long ParseChecked(string value)
        {
            long number;
            InvariantText.TryParseInt64(value, out number);
            return number;
        }

        private static string[] SplitList(string value)
        {
            string[] parts = value.Split(new char[] { ',' });
            int count = 0;
            for (int i = 0; i < parts.Length; i++)
            {
                parts[i] = parts[i].Trim();
                if (parts[i].Length > 0)
                {
                    count++;
                }
            }

            string[] result = new string[count];
            int at = 0;
            for (int i = 0; i < parts.Length; i++)
            {
                if (parts[i].Length > 0)
                {
                    result[at++] = parts[i];
                }
            }

            return result;
        }

        private static int IndexOfKey(string key)
        {
            return SealedKeyValueReader.IndexOf(Keys, key);
        }
    }
}

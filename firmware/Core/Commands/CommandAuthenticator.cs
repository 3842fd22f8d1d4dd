using AssetMeter.Firmware.Crypto;
using AssetMeter.Firmware.Text;

namespace AssetMeter.Firmware.Commands
{
    /// <summary>
    /// The BSCP601 "access protocol" of this meter: decides whether a command message is authentic, fresh and
    /// addressed to this meter, and parses it. A message is <c>AMC1|{payload}|{signature hex}</c>: the payload is a
    /// flat JSON object (v, ms, n, ex, op and the operation's arguments); the signature is ECDSA P-256 over SHA-256
    /// of the payload bytes exactly as sent, DER, by one of the collector keys in the configuration.
    /// </summary>
    /// <remarks>
    /// Cheap checks come first (size, framing, syntax, addressee, expiry, counter) so that garbage and replays cost
    /// no signature verification. Nothing here changes meter state: the caller records the accepted counter and
    /// carries the command out. See docs/protocol.md.
    /// </remarks>
    public sealed class CommandAuthenticator
    {
        /// <summary>Largest command message accepted.</summary>
        public const int MaximumLength = 2048;

        /// <summary>Clock disagreement tolerated on expiry: 15 minutes (covers the BSCP601 ±10 minute clock tests).</summary>
        public const long ExpirySkewTicks = 15 * 60 * 10000000L;

        /// <summary>Longest validity a command may claim: one day.</summary>
        public const long MaximumLifetimeTicks = 24 * 3600 * 10000000L;

        private const string Prefix = "AMC1|";

        private readonly string _meterSerial;
        private readonly byte[][] _collectorKeys;
        private readonly ISignatureVerifier _verifier;
        private readonly FlatJson _json = new FlatJson();
        private readonly byte[] _signature = new byte[80];
        private readonly byte[] _raw = new byte[DerSignature.RawLength];

        /// <summary>Creates the authenticator for meter <paramref name="meterSerial"/> trusting <paramref name="collectorKeys"/>.</summary>
        public CommandAuthenticator(string meterSerial, byte[][] collectorKeys, ISignatureVerifier verifier)
        {
            _meterSerial = meterSerial;
            _collectorKeys = collectorKeys;
            _verifier = verifier;
        }

        /// <summary>
        /// Checks a message. <paramref name="meterUtcNow"/> is the meter's UTC (0 when unknown: expiry then cannot be
        /// judged and only the counter protects against replay); <paramref name="lastCounter"/> the highest counter
        /// accepted so far. On success <paramref name="command"/> holds the command. On refusal it holds the counter
        /// <c>n</c> and the operation if the payload parsed far enough to name them (0 and None otherwise); they are
        /// then unauthenticated and only used to label the refusal.
        /// </summary>
        public CommandRefusal Check(byte[] message, int length, long meterUtcNow, long lastCounter, Command command)
        {
            command.Clear();
            if (message == null || length <= Prefix.Length || length > MaximumLength || length > message.Length)
            {
                return CommandRefusal.Malformed;
            }

            for (int i = 0; i < Prefix.Length; i++)
            {
                if (message[i] != (byte)Prefix[i])
                {
                    return CommandRefusal.Malformed;
                }
            }

            int separator = -1;
            for (int i = length - 1; i >= Prefix.Length; i--)
            {
                if (message[i] == (byte)'|')
                {
                    separator = i;
                    break;
                }
            }

            if (separator < 0)
            {
                return CommandRefusal.Malformed;
            }

            int payloadOffset = Prefix.Length;
            int payloadLength = separator - payloadOffset;
            if (!_json.Parse(message, payloadOffset, payloadLength))
            {
                return CommandRefusal.Malformed;
            }

            // From here on the counter and operation are known (not yet authenticated): a refusal names them, so the
            // collector can tell which of its commands was refused and why.
            long version;
            long counter;
            bool hasCounter = _json.Number("n", out counter);
            string serial = _json.String("ms");
            string expiry = _json.String("ex");
            string operation = _json.String("op");
            command.Counter = hasCounter ? counter : 0;
            command.Kind = KindOf(operation);
            int signatureLength = DecodeSignature(message, separator + 1, length - separator - 1);
            if (signatureLength < 0 || !_json.Number("v", out version) || version != 1 || serial == null || !hasCounter
                || expiry == null || operation == null || !UtcText.TryParse(expiry, out command.ExpiryUtcTicks))
            {
                return CommandRefusal.Malformed;
            }

            if (serial != _meterSerial)
            {
                return CommandRefusal.WrongMeter;
            }

            if (meterUtcNow != 0 && meterUtcNow > command.ExpiryUtcTicks + ExpirySkewTicks)
            {
                return CommandRefusal.Expired;
            }

            if (counter <= lastCounter)
            {
                return CommandRefusal.Replayed;
            }

            if (!Authentic(message, payloadOffset, payloadLength, signatureLength))
            {
                return CommandRefusal.BadSignature;
            }

            if (meterUtcNow != 0 && command.ExpiryUtcTicks > meterUtcNow + MaximumLifetimeTicks + ExpirySkewTicks)
            {
                return CommandRefusal.BadArgument;
            }

            return ParseOperation(command);
        }

        /// <summary>The operation named by the word <paramref name="operation"/>; None for anything else.</summary>
        public static CommandKind KindOf(string operation)
        {
            if (operation == "read")
            {
                return CommandKind.Read;
            }

            if (operation == "resend")
            {
                return CommandKind.Resend;
            }

            if (operation == "clock")
            {
                return CommandKind.SetClock;
            }

            if (operation == "calibrate")
            {
                return CommandKind.Calibrate;
            }

            return operation == "ack" ? CommandKind.Acknowledge : CommandKind.None;
        }

        private CommandRefusal ParseOperation(Command command)
        {
            if (command.Kind == CommandKind.Read)
            {
                return Only(5) ? CommandRefusal.None : CommandRefusal.BadArgument;
            }

            if (command.Kind == CommandKind.Resend)
            {
                bool ok = _json.Number("from", out command.FromPeriod) && _json.Number("to", out command.ToPeriod)
                    && command.ToPeriod >= command.FromPeriod && command.ToPeriod - command.FromPeriod < 20000 && Only(7);
                return ok ? CommandRefusal.None : CommandRefusal.BadArgument;
            }

            if (command.Kind == CommandKind.SetClock)
            {
                bool ok = UtcText.TryParse(_json.String("utc"), out command.ClockUtcTicks) && Only(6);
                return ok ? CommandRefusal.None : CommandRefusal.BadArgument;
            }

            if (command.Kind == CommandKind.Calibrate)
            {
                command.Calibration = Hex.Decode(_json.String("cal"));
                return command.Calibration != null && command.Calibration.Length > 0 && Only(6) ? CommandRefusal.None : CommandRefusal.BadArgument;
            }

            if (command.Kind == CommandKind.Acknowledge)
            {
                return _json.Number("to", out command.ToPeriod) && Only(6) ? CommandRefusal.None : CommandRefusal.BadArgument;
            }

            return CommandRefusal.UnknownOperation;
        }

        // v, ms, n, ex, op plus the operation's own fields, and nothing else.
        private bool Only(int fields)
        {
            return _json.Count == fields;
        }

        private bool Authentic(byte[] message, int offset, int count, int signatureLength)
        {
            for (int i = 0; i < _collectorKeys.Length; i++)
            {
                if (_verifier.Verify(_collectorKeys[i], message, offset, count, _signature, 0, signatureLength))
                {
                    return true;
                }
            }

            return false;
        }

        private int DecodeSignature(byte[] message, int offset, int count)
        {
            if (count < 16 || (count % 2) != 0 || count / 2 > _signature.Length)
            {
                return -1;
            }

            for (int i = 0; i < count / 2; i++)
            {
                int high = Hex.Value((char)message[offset + (2 * i)]);
                int low = Hex.Value((char)message[offset + (2 * i) + 1]);
                if (high < 0 || low < 0)
                {
                    return -1;
                }

                _signature[i] = (byte)((high << 4) | low);
            }

            // A signature that is not strict DER of two integers is a malformed message, found without the verifier.
            return DerSignature.TryToRaw(_signature, 0, count / 2, _raw, 0) ? count / 2 : -1;
        }
    }
}

namespace AssetMeter.Firmware.Commands
{
    /// <summary>Refusal reasons as the words replies carry.</summary>
    public static class RefusalNames
    {
        /// <summary>The reply word for <paramref name="refusal"/>.</summary>
        public static string Of(CommandRefusal refusal)
        {
            switch (refusal)
            {
                case CommandRefusal.None: return "ok";
                case CommandRefusal.Malformed: return "malformed";
                case CommandRefusal.WrongMeter: return "wrong-meter";
                case CommandRefusal.Expired: return "expired";
                case CommandRefusal.Replayed: return "replayed";
                case CommandRefusal.BadSignature: return "bad-signature";
                case CommandRefusal.UnknownOperation: return "unknown-operation";
                case CommandRefusal.BadArgument: return "bad-argument";
                default: return "failed";
            }
        }

        /// <summary>The operation word of <paramref name="kind"/>.</summary>
        public static string Of(CommandKind kind)
        {
            switch (kind)
            {
                case CommandKind.Read: return "read";
                case CommandKind.Resend: return "resend";
                case CommandKind.SetClock: return "clock";
                case CommandKind.Calibrate: return "calibrate";
                case CommandKind.Acknowledge: return "ack";
                default: return "none";
            }
        }
    }
}

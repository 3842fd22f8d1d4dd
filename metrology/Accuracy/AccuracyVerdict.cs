namespace AssetMeter.Metrology.Accuracy
{
    /// <summary>The outcome of one accuracy test point.</summary>
    public enum VerdictOutcome
    {
        /// <summary>The error, widened by the reference uncertainty, lies inside the limits.</summary>
        Pass = 0,

        /// <summary>The error, even narrowed by the reference uncertainty, lies outside the limits.</summary>
        Fail = 1,

        /// <summary>The uncertainty band straddles a limit: measure again with a better reference or longer.</summary>
        Inconclusive = 2,
    }

    /// <summary>An accuracy test result judged against limits of error.</summary>
    public struct AccuracyVerdict
    {
        /// <summary>Measured error, ppm of the reference (positive: meter reads high).</summary>
        public long ErrorPpm;

        /// <summary>Expanded uncertainty of the reference measurement, ppm.</summary>
        public long UncertaintyPpm;

        /// <summary>The upper limit judged against, ppm.</summary>
        public long UpperPpm;

        /// <summary>The lower limit judged against, ppm.</summary>
        public long LowerPpm;

        /// <summary>Pass, fail or inconclusive.</summary>
        public VerdictOutcome Outcome;

        /// <summary>Distance (ppm) from the error to the nearer limit; negative when outside.</summary>
        public long MarginPpm
        {
            get
            {
                long toUpper = UpperPpm - ErrorPpm;
                long toLower = ErrorPpm - LowerPpm;
                return toUpper < toLower ? toUpper : toLower;
            }
        }
    }
}

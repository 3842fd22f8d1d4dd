namespace AssetMeter.Hardware.Bus
{
    /// <summary>Outcome of one bus transaction. Drivers must check it: a failed transfer is never silent.</summary>
    public enum BusStatus
    {
        /// <summary>Every byte was transferred.</summary>
        Ok = 0,

        /// <summary>The device did not acknowledge its address (I2C NACK): absent, busy or resetting.</summary>
        NotAcknowledged = 1,

        /// <summary>The transfer timed out (I2C clock stretching, SPI DMA).</summary>
        Timeout = 2,

        /// <summary>Any other failure reported by the platform (bus fault, driver error).</summary>
        Failed = 3,
    }
}

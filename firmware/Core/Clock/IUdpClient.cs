namespace AssetMeter.Firmware.Clock
{
    /// <summary>A UDP conversation with one server (an SNTP server): send a datagram, wait for one back.</summary>
    public interface IUdpClient
    {
        /// <summary>Sends <paramref name="count"/> bytes; false if the network refused.</summary>
        bool Send(byte[] buffer, int count);

        /// <summary>Waits up to <paramref name="timeoutMilliseconds"/> for a datagram; returns its length, or -1 on timeout or failure.</summary>
        int Receive(byte[] buffer, int timeoutMilliseconds);
    }
}
